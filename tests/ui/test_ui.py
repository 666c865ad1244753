#!/usr/bin/env python3
"""mmuscope ui: headless renders checked pixel by pixel, and (with --xvfb)
the real window under Xvfb driven by synthetic SDL events."""
import os, struct, subprocess, sys, tempfile, zlib

EMPTY = (0x30, 0x30, 0x34)


def read_png(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and ctype == 2
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    rows = [raw[y * (3 * w + 1) + 1:(y + 1) * (3 * w + 1)] for y in range(h)]
    assert all(raw[y * (3 * w + 1)] == 0 for y in range(h))
    return w, h, rows


def pixel(rows, x, y):
    return tuple(rows[y][3 * x:3 * x + 3])


def state(path):
    return dict(line.rstrip('\n').split('=', 1) for line in open(path))


def run(mmuscope, args, env=None):
    p = subprocess.run([mmuscope, 'ui', '--console', os.devnull] + args, capture_output=True,
                       text=True, timeout=600, env=env)
    if p.returncode != 0:
        sys.exit('mmuscope ui %s: exit %d: %s' % (' '.join(args), p.returncode, p.stderr))
    return p


def headless(mmuscope, tmp):
    png, st = os.path.join(tmp, 'h.png'), os.path.join(tmp, 'h.state')
    run(mmuscope, ['--headless', '--frames', '3', '--speed', '100000000', '--screenshot', png,
                   '--state', st])
    w, h, rows = read_png(png)
    s = state(st)
    assert (w, h) == (1280, 800), (w, h)
    assert len({pixel(rows, x, y) for y in range(0, h, 7) for x in range(0, w, 7)}) > 20, 'blank'
    assert int(s['walks']) == 24, s['walks']   # the model's own walk count
    gx, gy, c = int(s['grid_x']), int(s['grid_y']), int(s['cell'])
    centre = lambda mb: pixel(rows, gx + (mb % 64) * c + c // 3, gy + (mb // 64) * c + c // 3)
    for mb in [0xC00] + list(range(0xC0C, 0xC18)) + [0xC38, 0xC3D]:
        assert centre(mb) != EMPTY, 'MB 0x%03x has no walks' % mb
    # The brightest colour is the hottest cell: 0xC00 (2 walks, log scale).
    assert centre(0xC00)[0] > 200, centre(0xC00)
    for mb in list(range(0, 0x400)) + list(range(0x401, 0xBF0)):
        assert centre(mb) == EMPTY, 'user MB 0x%03x is not empty: %s' % (mb, centre(mb))
    # The kind metric: lowmem is mapped with sections (blue), user MBs are faults.
    png2 = os.path.join(tmp, 'k.png')
    run(mmuscope, ['--headless', '--frames', '2', '--speed', '100000000', '--metric', 'kind', '--screenshot', png2,
                   '--state', st])
    _, _, rows = read_png(png2)
    assert centre(0xC01) == (0x3c, 0x78, 0xe6), centre(0xC01)
    assert centre(0x100) == EMPTY, centre(0x100)


SCRIPT = """\
wait 1
key w
until-paused 100
key w
key w
key w
wait 1
key Tab
wait 1
click 0xc0c00000
wait 1
hover 0xc0c01000
wait 2
quit
"""


def window(mmuscope, tmp):
    script, st = os.path.join(tmp, 'x.script'), os.path.join(tmp, 'x.state')
    open(script, 'w').write(SCRIPT)
    p = subprocess.run(['xvfb-run', '-a', '-s', '-screen 0 1280x800x24', mmuscope, 'ui', '--console',
                        os.devnull, '--paused', '--frames', '300', '--script',
                        script, '--state', st], capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, SDL_VIDEODRIVER='x11'))
    if p.returncode != 0:
        sys.exit('xvfb-run mmuscope ui: exit %d: %s' % (p.returncode, p.stderr))
    s = state(st)
    # The first walk is head.S's fetch of the ISB after the SCTLR write that
    # turned the MMU on, through the identity section of the MB it runs in
    # (PHYS_OFFSET 0x40000000 + TEXT_OFFSET); three presses of w showed all
    # its steps (VA split, L1, check, result).
    assert s['walk_valid'] == '1' and s['walk_stage'] == '3' and s['walk_stages'] == '4', s
    assert 0x40008000 <= int(s['walk_va'], 16) < 0x40100000 and s['walk_kind'] == 'fetch', s
    assert s['walk_disasm'] == 'isb sy' and s['walk_fault'] == 'none', s
    assert int(s['walk_desc'], 16) & 0xFFF00003 == 0x40000002, s  # a section at PA 0x40000000
    assert s['view'] == 'l2' and s['selected_mb'] == '0xc0c' and s['hover'] == '1', s
    assert s['running'] == '0', s


YOUNG = """\
wait 1
key m
until-paused 400
key f
until-paused 100
key w
key w
key w
key w
wait 1
quit
"""


def young(mmuscope, tmp):
    """The walk the README promises: test-young-dirty reads its 8 pages again
    after the timer's aging pass made them old.  m runs to the marker the
    guest reports right after that pass, f to the next fault, four w reveal
    the walk to its last step."""
    script, st = os.path.join(tmp, 'y.script'), os.path.join(tmp, 'y.state')
    open(script, 'w').write(YOUNG)
    run(mmuscope, ['--headless', '--paused', '--frames', '600', '--workload', 'test-young-dirty',
                   '--break-marker', 'young-dirty-aged', '--script', script, '--state', st])
    s = state(st)
    assert s['marker'] == 'young-dirty-aged', s
    assert s['walk_valid'] == '1' and s['walk_stage'] == '4' and s['walk_stages'] == '5', s
    # The first access after the pass is the loop's read of p[0]: the first
    # mmap lands at TASK_UNMAPPED_BASE.
    assert s['walk_va'] == '0x40000000' and s['walk_kind'] == 'read' and s['walk_user'] == '1', s
    assert s['walk_disasm'].startswith('ldr'), s
    # Page translation fault (FS 0b00111) in the user domain 1: DFSR 0x017.
    assert s['walk_fault'] == 'translation' and s['walk_fsr'] == '0x017', s
    # L1: a page table in domain 1; L2: the hardware PTE is 0 because the
    # Linux PTE 2 KB below is present (bit 0) but not young (bit 1).
    l1, l2 = (int(v, 16) for v in s['walk_desc'].split(','))
    assert l1 & 3 == 1 and (l1 >> 5) & 15 == 1 and l2 == 0, s
    linux = int(s['walk_linux_pte'], 16)
    assert s['walk_linux'] == '1' and linux & 1 and not linux & 2, s


def breakpoints(mmuscope, tmp):
    """b runs to the next access --break-va's page sees: in test-young-dirty
    the first is the demand read of the first mmap page (TASK_UNMAPPED_BASE),
    whose L1 slot is still empty (DFSR 0x005: section translation).  Then
    --break-pc with that access's instruction stops at the same access."""
    script, st = os.path.join(tmp, 'b.script'), os.path.join(tmp, 'b.state')
    open(script, 'w').write('wait 1\nkey b\nuntil-paused 400\nquit\n')

    def caught(*extra):
        run(mmuscope, ['--headless', '--paused', '--frames', '600', '--workload',
                       'test-young-dirty', '--script', script, '--state', st, *extra])
        return state(st)

    s = caught('--break-va', '0x40000fff')
    assert s['walk_valid'] == '1' and s['walk_va'] == '0x40000000', s
    assert s['walk_fault'] == 'translation' and s['walk_fsr'] == '0x005', s
    assert s['walk_user'] == '1' and s['walk_disasm'].startswith('ldr'), s
    t = caught('--break-pc', s['walk_pc'])
    assert t['walk_pc'] == s['walk_pc'] and t['walk_va'] == s['walk_va'] and t['insns'] == s['insns'], t


def main():
    mmuscope = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        if '--xvfb' in sys.argv:
            window(mmuscope, tmp)
        else:
            headless(mmuscope, tmp)
            young(mmuscope, tmp)
            breakpoints(mmuscope, tmp)
    print('ok')


if __name__ == '__main__':
    main()
