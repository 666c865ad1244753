"""What the tests that boot Debian's armmp kernel share: their arguments
(MMUSCOPE INIT USER ASSETS_DIR MKINITRAMFS), the skip when the kernel was
not fetched or the Linux programs not built, an initramfs, and checks that
print and count."""
import os
import subprocess
import sys
import tempfile

SKIP = 77


class Boot:
    """The kernel, device tree and busybox in assets; an initramfs with
    init and the user programs, built into tmp by mkinitramfs."""

    def __init__(self, argv):
        self.mmuscope, self.init, self.user, assets, self.mkinitramfs = argv[1:6]
        self.kernel, self.dtb, self.busybox = (
            os.path.join(assets, f) for f in ("vmlinuz", "vexpress-v2p-ca9.dtb", "busybox"))
        self.failures = []

    def missing(self):
        return [p for p in (self.kernel, self.dtb, self.busybox, self.init, self.user)
                if not os.path.exists(p)]

    def initramfs(self, tmp):
        path = os.path.join(tmp, "initrd.gz")
        subprocess.run([sys.executable, self.mkinitramfs, path, "--busybox", self.busybox,
                        "--init", self.init, "--user", self.user], check=True)
        return path

    def check(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            self.failures.append(what)

    def verdict(self):
        print(f"{len(self.failures)} failures")
        return 1 if self.failures else 0


def main(body):
    """Runs body(boot, tmp, initrd) in a temporary directory with a fresh
    initramfs; the exit status: SKIP when the kernel or the programs are
    missing, else 1 if a check failed."""
    boot = Boot(sys.argv)
    missing = boot.missing()
    if missing:
        print("skip: missing " + ", ".join(missing) + " (./go test fetches the kernel)")
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        body(boot, tmp, boot.initramfs(tmp))
    return boot.verdict()
