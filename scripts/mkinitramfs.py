#!/usr/bin/env python3
"""Writes the initramfs that boots a real Linux into the user workloads
(docs/linux-initramfs.md): a gzip-compressed newc cpio archive, made here
without a cpio tool or root (the archive itself carries the /dev/console
node).  The same inputs give the same bytes: every entry owned by root,
dated 0, in sorted order, and gzip's header dated 0 too.

  scripts/mkinitramfs.py OUT.cpio.gz --busybox PATH --init PATH --user PATH
                         [--workloads LIST]
"""
import argparse
import gzip
import os
import stat
import sys
import tempfile

S_DIR = stat.S_IFDIR | 0o755
S_EXE = stat.S_IFREG | 0o755
S_FILE = stat.S_IFREG | 0o644
S_LINK = stat.S_IFLNK | 0o777
S_CONSOLE = stat.S_IFCHR | 0o600

# ELF header: 32-bit, little-endian, machine EM_ARM (40).
EM_ARM = 40


class BadInput(Exception):
    pass


def read_arm_elf(path, what):
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as e:
        raise BadInput(f'{what} {path}: {e.strerror}')
    if (data[:4] != b'\x7fELF' or len(data) < 20 or data[4] != 1 or data[5] != 1
            or int.from_bytes(data[18:20], 'little') != EM_ARM):
        raise BadInput(f'{what} {path} is not a 32-bit little-endian ARM ELF file')
    return data


def entries(busybox, init, user, workloads):
    """The archive's entries, sorted by path (parents before children):
    (path, mode, contents or symlink target, device major, minor)."""
    e = [
        ('bin', S_DIR, b'', 0, 0),
        ('bin/busybox', S_EXE, busybox, 0, 0),
        ('bin/mmuscope-user', S_EXE, user, 0, 0),
        ('bin/sh', S_LINK, b'busybox', 0, 0),
        ('dev', S_DIR, b'', 0, 0),
        # The kernel opens it as init's standard input and outputs.
        ('dev/console', S_CONSOLE, b'', 5, 1),
        ('init', S_EXE, init, 0, 0),
        ('proc', S_DIR, b'', 0, 0),
        ('sys', S_DIR, b'', 0, 0),
    ]
    if workloads is not None:
        e += [('etc', S_DIR, b'', 0, 0),
              ('etc/workloads', S_FILE, workloads.encode() + b'\n', 0, 0)]
    return sorted(e)


def newc(ino, name, mode, data, rdevmajor, rdevminor):
    """One newc entry: its 110-byte header, the name and the data, each
    padded to 4 bytes."""
    name = name.encode() + b'\0'
    nlink = 2 if stat.S_ISDIR(mode) else 1
    fields = (ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdevmajor, rdevminor, len(name), 0)
    head = b'070701' + b''.join(b'%08X' % v for v in fields)
    pad = lambda n: b'\0' * (-n % 4)
    return head + name + pad(len(head) + len(name)) + data + pad(len(data))


def archive(items):
    out = [newc(i + 1, *item) for i, item in enumerate(items)]
    out.append(newc(0, 'TRAILER!!!', 0, b'', 0, 0))
    return b''.join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('out')
    ap.add_argument('--busybox', required=True, help='a static ARM busybox')
    ap.add_argument('--init', required=True, help='firmware/linux init, the build\'s "init"')
    ap.add_argument('--user', required=True, help='the user programs for Linux, "mmuscope-user"')
    ap.add_argument('--workloads', help='/etc/workloads: the list when the command line has no workloads=')
    a = ap.parse_args()
    try:
        if a.workloads is not None and (not a.workloads or '\0' in a.workloads):
            raise BadInput('--workloads is empty or holds a NUL')
        items = entries(read_arm_elf(a.busybox, '--busybox'), read_arm_elf(a.init, '--init'),
                        read_arm_elf(a.user, '--user'), a.workloads)
    except BadInput as e:
        print(f'mkinitramfs: {e}', file=sys.stderr)
        return 2
    # The archive's blocks are padded to 512 bytes as cpio does; mtime=0
    # keeps gzip's header the same from run to run.
    data = archive(items)
    data += b'\0' * (-len(data) % 512)
    out_dir = os.path.dirname(os.path.abspath(a.out))
    try:
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix='.mkinitramfs-')
    except OSError as e:
        print(f'mkinitramfs: cannot write in {out_dir}: {e.strerror}', file=sys.stderr)
        return 2
    try:
        with os.fdopen(fd, 'wb') as raw, \
                gzip.GzipFile(filename='', mode='wb', fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, a.out)
    except BaseException:
        os.unlink(tmp)
        raise
    return 0


if __name__ == '__main__':
    sys.exit(main())
