#!/usr/bin/env python3
"""mmuscope ui: headless renders checked pixel by pixel and the UI's state
after scripted input, and (group xvfb) the real window under Xvfb driven by
synthetic SDL events.  Usage: test_ui.py MMUSCOPE GROUP."""
import json, os, struct, subprocess, sys, tempfile, zlib

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


# A fault (4 stages from a TLB entry, 5 from a walk) to its end, on to its
# handler, then the retry's walk (5 stages: the handler flushed the entry)
# to its end.
STORY = ('until w story_phase=handler 8\nuntil-paused 200\n'
         'until w retry_stage=4 8\nwait 1\nquit\n')

MIX = """\
wait 1
until m marker=mix-start 5
wait 1
click-hot page
wait 1
state %s
until m marker=seq-start 40
until f story_emulated=dirty 400
""" + STORY


def mix_session(mmuscope, tmp):
    """A newcomer's first minute under X: mix runs to its start marker, the
    map follows the running process's ASID, the hottest page opens the page
    view; from seq's start marker f (pressed until a dirty-bit fault is
    caught: mix's seq child recycles its buffer with MADV_FREE, then reads
    and writes each page)
    then w steps the fault, its handler and its retry."""
    script, st = os.path.join(tmp, 'mix.script'), os.path.join(tmp, 'mix.state')
    zoomed = os.path.join(tmp, 'zoomed.state')
    open(script, 'w').write(MIX % zoomed)
    p = subprocess.run(['xvfb-run', '-a', '-s', '-screen 0 1280x800x24', mmuscope, 'ui', '--console',
                        os.devnull, '--paused', '--frames', '3000', '--workload', 'mix', '--script', script, '--state', st], capture_output=True, text=True,
                       timeout=200, env=dict(os.environ, SDL_VIDEODRIVER='x11'))
    if p.returncode != 0:
        sys.exit('xvfb-run mmuscope ui (mix): exit %d: %s' % (p.returncode, p.stderr))
    # At mix-start the map follows the mix process (a user ASID, not
    # pinned); the hottest page's line opened the page view on it.
    z = state(zoomed)
    assert z['marker'] == 'mix-start' and z['pinned'] == '0', z
    assert z['asid'] == z['running_asid'] and z['asid'] != '0', z
    hottest_page = next(z['hot%d' % i] for i in range(10) if ',page,' in z.get('hot%d' % i, ''))
    assert z['view'] == 'pages' and int(z['hover']) == int(hottest_page.split(',')[0], 16) >> 12, z
    s = state(st)
    assert s['pinned'] == '0' and s['asid'] == s['running_asid'] and s['asid'] != '0', s
    assert s['walk_user'] == '1' and s['walk_kind'] == 'write' and s['walk_fault'] == 'permission', s
    assert s['story_emulated'] == 'dirty' and s['story_phase'] == 'retry', s
    lx0, lx1 = (int(v, 16) for v in s['story_linux'].split(','))
    assert lx1 == lx0 | 0x40, s
    assert s['retry_pc'] == s['walk_pc'] and s['retry_va'] == s['walk_va'] and s['retry_fault'] == 'none', s


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
    after MADV_FREE made them old (madvise_free_pte_range).  m runs to the marker the
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


def scripted(mmuscope, tmp, name, script, args):
    path, st = os.path.join(tmp, name + '.script'), os.path.join(tmp, name + '.state')
    open(path, 'w').write(script)
    run(mmuscope, ['--headless', '--script', path, '--state', st] + args)
    return state(st)


def hw_of_linux(linux, hw):
    """What a hardware small-page PTE must say for a Linux PTE (ARM_NOTES
    section 5): same frame, small page, user access (AP[1]) for a user page,
    APX (read-only) unless the page is dirty and writable, XN as L_PTE_XN."""
    assert hw >> 12 == linux >> 12 and hw & 2, (hex(linux), hex(hw))
    assert bool(hw & 0x20) == bool(linux & 0x100), (hex(linux), hex(hw))
    assert bool(hw & 0x200) == (not linux & 0x40 or bool(linux & 0x80)), (hex(linux), hex(hw))
    assert bool(hw & 1) == bool(linux & 0x200), (hex(linux), hex(hw))


def one_page_flush(s, va):
    """story_ops is one TLB operation by MVA (TLBIMVA or TLBIMVAIS) whose
    Rt names va's page and the running ASID."""
    ops = s['story_ops'].split(',')
    assert len(ops) == 1 and ops[0].split(':')[0].startswith('TLBIMVA'), s
    rt = int(ops[0].split(':')[1], 16)
    assert rt & ~0xFFF == va and rt & 0xFF == int(s['running_asid']), s


def young_story(mmuscope, tmp):
    """The whole story of the young-bit fault of young(): the handler marks
    the Linux PTE young (bit 1, nothing else), writes the hardware PTE
    set_pte_ext makes of it and flushes that page's TLB entry (Linux's
    ptep_set_access_flags -> flush_tlb_fix_spurious_fault, flush_tlb_page on
    32-bit ARM), then the same instruction runs again and walks."""
    s = scripted(mmuscope, tmp, 'ys', YOUNG.replace('quit\n', 'key w\nuntil-paused 200\nwait 1\nquit\n'),
                 ['--paused', '--frames', '800', '--workload', 'test-young-dirty', '--break-marker',
                  'young-dirty-aged'])
    assert s['walk_va'] == '0x40000000' and s['walk_fsr'] == '0x017', s
    assert s['story_phase'] == 'handler' and s['story_aborted'] == '1', s
    assert s['story_emulated'] == 'young', s
    hw0, hw1 = (int(v, 16) for v in s['story_hw'].split(','))
    lx0, lx1 = (int(v, 16) for v in s['story_linux'].split(','))
    assert int(s['story_pte_addr'], 16) == int(s['walk_desc'].split(',')[0], 16) & ~0x3FF, s
    assert hw0 == 0 and lx0 & 3 == 1 and lx1 == lx0 | 2, s
    hw_of_linux(lx1, hw1)
    one_page_flush(s, 0x40000000)
    assert 0 < int(s['story_handler_insns']) < 100000, s
    assert s['retry_pc'] == s['walk_pc'] and s['retry_va'] == s['walk_va'], s
    assert s['retry_fault'] == 'none' and s['retry_walked'] == '1', s


DIRTY = """\
wait 1
until f story_emulated=dirty 6
""" + STORY


def dirty_story(mmuscope, tmp):
    """After MADV_FREE test-young-dirty reads its first page (a young fault)
    and then writes it: the clean page's hardware PTE is read-only, so the
    write takes a page permission fault (DFSR 0x81f: WnR, domain 1, FS
    0b01111).  The handler sets
    the Linux PTE dirty (bit 6), the hardware PTE loses APX, the page's TLB
    entry is flushed (ptep_set_access_flags) and the retry translates.  The
    page's earlier faults (the demand read mapping the zero page, the first
    write copying it) are not dirty-bit faults: f goes past them."""
    s = scripted(mmuscope, tmp, 'ds', DIRTY, ['--paused', '--frames', '800', '--workload',
                                              'test-young-dirty', '--break-va', '0x40000000'])
    assert s['walk_va'] == '0x40000008' and s['walk_kind'] == 'write' and s['walk_user'] == '1', s
    assert s['walk_fault'] == 'permission' and s['walk_fsr'] == '0x81f', s
    # From a TLB entry (VA, entry, check, result) or a walk (VA, L1, L2, check,
    # result): the 7 other pages' faults in between may evict the entry.
    assert (s['walk_steps'], s['walk_stages']) in (('0', '4'), ('2', '5')), s
    assert s['walk_linux'] == '1', s
    hw0, hw1 = (int(v, 16) for v in s['story_hw'].split(','))
    lx0, lx1 = (int(v, 16) for v in s['story_linux'].split(','))
    assert lx0 & 3 == 3 and not lx0 & 0xC0 and lx1 == lx0 | 0x40, s
    hw_of_linux(lx0, hw0)
    hw_of_linux(lx1, hw1)
    assert hw1 == hw0 & ~0x200, s
    one_page_flush(s, 0x40000000)
    assert s['story_phase'] == 'retry' and s['retry_walked'] == '1', s
    assert s['retry_pc'] == s['walk_pc'] and s['retry_fault'] == 'none', s
    assert int(s['retry_stage']) == int(s['retry_stages']) - 1, s


def panes(s):
    return {k[5:]: tuple(int(v) for v in s[k].split(',')) for k in s if k.startswith('pane_')}


def no_overlap(s, w, h):
    p = panes(s)
    assert {'header', 'main', 'status', 'keys'} <= set(p), p
    for name, (x, y, pw, ph) in p.items():
        assert x >= 0 and y >= 0 and x + pw <= w and y + ph <= h and pw > 0 and ph > 0, (name, p)
    tiled = [n for n in p if n != 'help']   # help is an overlay
    for i, a in enumerate(tiled):
        for b in tiled[i + 1:]:
            ax, ay, aw, ah = p[a]
            bx, by, bw, bh = p[b]
            assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a, b, p)
    return p


def sizes(mmuscope, tmp):
    """Every view at the smallest, the default and a large size: the panes
    tile the window without overlap, the grid stays in the main pane, and
    the help box fits the window."""
    for w, h in [(1024, 640), (1280, 800), (1920, 1080)]:
        for view, keys in [('heatmap', ''), ('pages', 'key z\n'), ('maps', 'key p\n'), ('tlb', 'key Tab\n'),
                           ('walk', 'key f\nuntil-paused 100\n')]:
            s = scripted(mmuscope, tmp, 'sz', 'wait 1\n' + keys + 'wait 1\nkey ?\nwait 1\nquit\n',
                         ['--paused', '--frames', '300', '--size', '%dx%d' % (w, h)])
            assert (int(s['width']), int(s['height'])) == (w, h) and s['view'] == view, s
            p = no_overlap(s, w, h)
            assert ('side' in p) == (view not in ('walk', 'maps')), p
            mx, my, mw, mh = p['main']
            if view == 'heatmap':
                gx, gy, c = int(s['grid_x']), int(s['grid_y']), int(s['cell'])
                assert mx <= gx and gx + 64 * c <= mx + mw and my <= gy and gy + 64 * c <= my + mh, s
            assert s['help'] == '1' and 'help' in p, s
    p = subprocess.run([mmuscope, 'ui', '--size', '800x500'], capture_output=True, text=True, timeout=200)
    assert p.returncode == 2 and '1024x640' in p.stderr, p


END = """\
wait 1
until-paused 200
key w
wait 1
state %s
key r
wait 1
key s
wait 1
quit
"""


def end_and_restart(mmuscope, tmp):
    """The default workload runs to its end: the window says the guest
    exited and w does not seek; r boots it again; s steps one instruction
    and shows it."""
    ended = os.path.join(tmp, 'ended.state')
    s = scripted(mmuscope, tmp, 'end', END % ended, ['--frames', '300', '--speed', '100000000'])
    t = state(ended)
    assert t['exited'] == '1' and t['status'].startswith('the guest exited with code 0;'), t
    assert t['running'] == '0' and t['walk_valid'] == '0' and int(t['insns']) > 1000000, t
    # After r the machine is new and paused; s runs head.S's first
    # instruction, msr cpsr_c, #(MODE_SVC | PSR_I | PSR_F), at the ELF entry.
    elf = open(os.path.join(os.path.dirname(mmuscope), '..', 'firmware', 'firmware-q3f.elf'), 'rb').read()
    entry = struct.unpack('<I', elf[24:28])[0]
    assert s['restarts'] == '1' and s['exited'] == '0' and s['insns'] == '1', s
    assert int(s['step_pc'], 16) == entry + 4 and int(s['step_cpsr'], 16) & 0xFF == 0xd3, s
    assert s['step_disasm'] not in ('', '(code not readable)'), s


def ptdump(mmuscope, tmp):
    """mmuscope run --ptdump at the marker after test-young-dirty's MADV_FREE:
    its 8 written mmap pages (TASK_UNMAPPED_BASE up) are old and clean, so
    their hardware PTEs are 0 and only the Linux PTEs (present, old, user,
    XN: PROT_READ|PROT_WRITE) hold them; every mapping --dump-pt lists (the
    walker's own enumeration) lies in one range with the same PA offset and
    kind; lowmem starts with a global kernel-only section in domain 0."""
    txt, jsonl = os.path.join(tmp, 'pt.txt'), os.path.join(tmp, 'pt.jsonl')
    p = subprocess.run([mmuscope, 'run', '--quiet', '--console', os.devnull, '--workload', 'test-young-dirty',
                        '--dump-at', 'young-dirty-aged', '--ptdump', txt, '--dump-pt', jsonl],
                       capture_output=True, text=True, timeout=200)
    assert p.returncode == 0, p.stderr
    lines = open(txt).read().splitlines()
    assert lines[0].startswith('---[ ASID ') and lines[0].split()[2] != '0,', lines[0]
    ranges = []
    for line in lines[1:]:
        f = line.split()
        lo, hi = (int(v, 16) for v in f[0].split('-'))
        ranges.append((lo, hi, int(f[2], 16), f[4], line))
        assert lo < hi and (hi + 1 - lo) % 4096 == 0, line
    old = [r for r in ranges if 0x40000000 <= r[0] < 0x40008000]
    assert [r[0] for r in old] == [0x40000000 + i * 4096 for i in range(8)], old
    for r in old:
        assert r[3] == 'fault' and r[4].endswith('linux: present old clean user xn'), r
    lowmem = next(r for r in ranges if r[0] == 0xc0000000)
    assert lowmem[3] == 'section' and ' RW/-- ' in lowmem[4] and ' G  dom 0' in lowmem[4], lowmem
    for m in map(json.loads, open(jsonl)):
        r = next((r for r in ranges if r[0] <= m['va'] <= r[1]), None)
        assert r and r[3] == m['kind'] and r[2] + (m['va'] - r[0]) == m['pa'], (m, r)
    assert sum(1 for r in ranges if r[3] != 'fault') <= sum(1 for _ in open(jsonl)), ranges


# The groups the meson tests run (each within its own timeout).
GROUPS = {
    'headless': [headless, young, breakpoints],
    'story': [young_story, dirty_story, end_and_restart, ptdump],
    'sizes': [sizes],
    'xvfb': [window, mix_session],
}


def main():
    mmuscope, group = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        for test in GROUPS[group]:
            test(mmuscope, tmp)
    print('ok')


if __name__ == '__main__':
    main()
