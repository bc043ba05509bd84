"""`make sign-windows`: both executables and the installer get an Authenticode signature.
Here with a throw-away self-made certificate (openssl); `osslsigncode verify` checks the
signature structure against it. A real certificate is a configuration change (docs/packaging.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.windows.conftest import WindowsBuild
from tests.windows.wine import REPO, make_dist

pytestmark = pytest.mark.windows


def _throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    key, cert, pfx = folder / "key.pem", folder / "cert.pem", folder / "test.pfx"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=Connection Check test signing", "-keyout", str(key),
                    "-out", str(cert), "-addext", "extendedKeyUsage=codeSigning"],
                   check=True, capture_output=True, timeout=60)
    subprocess.run(["openssl", "pkcs12", "-export", "-inkey", str(key), "-in", str(cert),
                    "-out", str(pfx), "-passout", "pass:throwaway"],
                   check=True, capture_output=True, timeout=60)
    return pfx, cert


def test_sign_windows_signs_executables_and_installer(windows_build: WindowsBuild,
                                                      tmp_path: Path) -> None:
    pfx, cert = _throwaway_certificate(tmp_path)
    out = REPO / "var" / "windows" / "conncheck-signed-test-setup.exe"
    env = {"CONNCHECK_SIGN_PFX": str(pfx), "CONNCHECK_SIGN_PASSWORD": "throwaway"}
    result = subprocess.run([sys.executable, str(REPO / "build" / "windows" / "make_dist.py"),
                             "--installer-only", "--sign", "--fast", "--no-zip", "--out",
                             str(out)], cwd=REPO, env={**os.environ, **env},
                            capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    signed = make_dist.VAR / "signed" / "conncheck"
    for target in (signed / "conncheck.exe", signed / "Connection Check.exe", out):
        verify = subprocess.run(["osslsigncode", "verify", "-CAfile", str(cert), "-in",
                                 str(target)], capture_output=True, text=True, timeout=120,
                                check=False)
        text = verify.stdout + verify.stderr
        assert verify.returncode == 0, f"{target.name}:\n{text[-2000:]}"
        assert "Connection Check test signing" in text
    # The cached release onedir stays unsigned: signing is a separate, explicit step.
    unsigned = subprocess.run(["osslsigncode", "verify", "-in",
                               str(windows_build.onedir / "conncheck.exe")],
                              capture_output=True, text=True, timeout=120, check=False)
    assert unsigned.returncode != 0
