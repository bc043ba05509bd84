; NSIS script: the per-user Windows installer of Connection Check («Проверка связи»).
; Built on Linux by build/windows/make_dist.py (`make dist-windows`) with Debian's makensis,
; and on Windows by .github/workflows/release.yml; tested under Wine by tests/windows/.
;
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVERSION_NUMBERS=0.1.0.0 \
;            -DSOURCE_DIR=dist/windows/conncheck -DOUTFILE=dist/conncheck-0.1.0-windows-x64-setup.exe \
;            -DICON=var/icons/app.ico build/windows/conncheck.nsi
;   -DFAST: no compression (tests that only need a second version to install).
;
; Per user, no administrator prompt: %LOCALAPPDATA%\Programs\Connection Check, a Start-menu
; shortcut named in the installer's language (chosen from the system's language: Russian or
; English), an uninstaller registered under HKCU (Apps & features). The user's settings and
; history live in %LOCALAPPDATA%\conncheck (platformdirs), not in the install folder: an upgrade
; never touches them, and the uninstaller removes them only when "Remove my settings and
; history" is ticked (silently: `uninstall.exe /S /REMOVEDATA`).

Unicode true
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user

!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef VERSION_NUMBERS
  !define VERSION_NUMBERS "0.0.0.0"
!endif
!ifndef SOURCE_DIR
  !define SOURCE_DIR "..\..\dist\windows\conncheck"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\conncheck-${VERSION}-windows-x64-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\..\var\icons\app.ico"
!endif

!define APP_KEY "ConnectionCheck"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_KEY}"
!define GUI_EXE "Connection Check.exe"
!define DATA_DIR "$LOCALAPPDATA\conncheck"

; make sign-windows: the uninstaller is signed before it is packed, the installer when done.
!ifdef SIGN
  !uninstfinalize 'bash "${SIGN}" "%1"'
  !finalize 'bash "${SIGN}" "%1"'
!endif

!ifdef FAST
  SetCompress off
!else
  SetCompressor /SOLID lzma
  SetCompressorDictSize 64
!endif

Name "Connection Check"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Connection Check"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
SetOverwrite on
ShowInstDetails nevershow
ShowUninstDetails nevershow
BrandingText "Connection Check ${VERSION}"

VIProductVersion "${VERSION_NUMBERS}"
VIAddVersionKey /LANG=0 "ProductName" "Connection Check"
VIAddVersionKey /LANG=0 "FileDescription" "Connection Check / Проверка связи — installer"
VIAddVersionKey /LANG=0 "CompanyName" "Connection Check"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "GPL-3.0-or-later"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "Sections.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "$(WelcomeTitle)"
!define MUI_WELCOMEPAGE_TEXT "$(WelcomeText)"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "$(LaunchApp)"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!define MUI_COMPONENTSPAGE_NODESC
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the fallback; the system's UI language picks Russian when it is Russian.
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Russian"

LangString AppTitle ${LANG_ENGLISH} "Connection Check"
LangString AppTitle ${LANG_RUSSIAN} "Проверка связи"
LangString WelcomeTitle ${LANG_ENGLISH} "Connection Check ${VERSION}"
LangString WelcomeTitle ${LANG_RUSSIAN} "Проверка связи ${VERSION}"
LangString WelcomeText ${LANG_ENGLISH} "Connection Check finds out whether calls, messages and maps work on this network, and what you can do if they don't.$\r$\n$\r$\nIt installs for you only, without administrator rights.$\r$\n$\r$\nIf Windows says “Windows protected your PC” (SmartScreen), that is because Windows does not know this program yet: click “More info”, then “Run anyway”."
LangString WelcomeText ${LANG_RUSSIAN} "«Проверка связи» выясняет, работают ли в этой сети звонки, сообщения и карты, и подсказывает, что можно сделать, если нет.$\r$\n$\r$\nПрограмма устанавливается только для вас, без прав администратора.$\r$\n$\r$\nЕсли Windows напишет «Система Windows защитила ваш компьютер» (SmartScreen), это потому, что Windows ещё не знает эту программу: нажмите «Подробнее», затем «Выполнить в любом случае»."
LangString LaunchApp ${LANG_ENGLISH} "Start Connection Check"
LangString LaunchApp ${LANG_RUSSIAN} "Запустить «Проверку связи»"
LangString UnProgram ${LANG_ENGLISH} "Connection Check (the program)"
LangString UnProgram ${LANG_RUSSIAN} "«Проверка связи» (программа)"
LangString UnData ${LANG_ENGLISH} "Remove my settings and history"
LangString UnData ${LANG_RUSSIAN} "Удалить мои настройки и историю проверок"

Section "-Install"
  SetShellVarContext current
  ; An upgrade: the previous version's program files go (its user data is elsewhere and stays).
  IfFileExists "$INSTDIR\uninstall.exe" 0 fresh_install
    RMDir /r "$INSTDIR\_internal"
    Delete "$INSTDIR\*.exe"
  fresh_install:
  SetOutPath "$INSTDIR"
  File /r "${SOURCE_DIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; Start-menu shortcut in the installer's language; its name is remembered for the uninstaller.
  CreateShortCut "$SMPROGRAMS\$(AppTitle).lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0
  WriteRegStr HKCU "${UNINST_KEY}" "ShortcutName" "$(AppTitle)"

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "$(AppTitle)"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "Connection Check"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd

Section "!un.$(UnProgram)" SecUnProgram
  SectionIn RO
  SetShellVarContext current
  ReadRegStr $0 HKCU "${UNINST_KEY}" "ShortcutName"
  StrCmp $0 "" no_shortcut_name
    Delete "$SMPROGRAMS\$0.lnk"
  no_shortcut_name:
  Delete "$SMPROGRAMS\Connection Check.lnk"
  Delete "$SMPROGRAMS\Проверка связи.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\conncheck.exe"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

Section /o "un.$(UnData)" SecUnData
  RMDir /r "${DATA_DIR}"
SectionEnd

Function un.onInit
  ; Silent uninstall that also removes the user's data: uninstall.exe /S /REMOVEDATA
  ; (Labels, not relative jumps: a macro is several instructions.)
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/REMOVEDATA" $1
  IfErrors keep_data
    !insertmacro SelectSection ${SecUnData}
  keep_data:
FunctionEnd
