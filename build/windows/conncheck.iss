; Inno Setup script: a per-user installer for Connection Check (no administrator rights).
; Built by .github/workflows/release.yml on a Windows runner, after PyInstaller made
; dist\conncheck\ from build\conncheck.spec:
;
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\conncheck /DOutputDir=..\..\dist ^
;        /DIconFile=..\..\var\icons\app.ico build\windows\conncheck.iss
;
; Paths are relative to this file. Output: dist\conncheck-<version>-windows-x64-setup.exe
; Signing (when a certificate exists): configure a SignTool in the workflow and add
; SignTool=... below; see docs/packaging.md.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\conncheck"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\var\icons\app.ico"
#endif

[Setup]
; A fixed AppId: upgrades replace the earlier version instead of installing beside it.
AppId={{5B0C9E52-6A0E-4F0B-9D0A-7C1C0C4E2A11}
AppName=Connection Check
AppVersion={#AppVersion}
AppVerName=Connection Check {#AppVersion}
AppPublisher=Connection Check
VersionInfoVersion={#AppVersion}
VersionInfoProductName=Connection Check
; Per user: installs into %LOCALAPPDATA%\Programs, no UAC prompt.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\Connection Check
DefaultGroupName=Connection Check
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=conncheck-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\conncheck.exe
UninstallDisplayName=Connection Check
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Reproducible-ish: the same timestamps for every file, taken from the files themselves.
TimeStampsInUTC=yes
ShowLanguageDialog=auto

[Languages]
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
ru.AppTitle=Проверка связи
en.AppTitle=Connection Check
ru.LaunchApp=Запустить «Проверку связи»
en.LaunchApp=Start Connection Check
ru.DesktopIcon=Значок на рабочем столе
en.DesktopIcon=Desktop shortcut

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; The Start-menu shortcut carries the name in the installer's language.
Name: "{group}\{cm:AppTitle}"; Filename: "{app}\conncheck.exe"; WorkingDir: "{app}"
Name: "{autodesktop}\{cm:AppTitle}"; Filename: "{app}\conncheck.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\conncheck.exe"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; PyInstaller leaves no files of its own behind; settings and history live in the user's
; profile (platformdirs) and are kept, as users expect after an uninstall/reinstall.
Type: filesandordirs; Name: "{app}\_internal"
