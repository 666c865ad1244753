/* The views: L1 heatmap, one L2 table, the TLB levels, the walk stepper,
 * with a status line, the key line and the help overlay. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/abi.h"
#include "ui/internal.h"

enum { BAR = 22, PANEL_W = 480 };

static const uint32_t BG = UI_BG, EMPTY = 0x303034, TEXT = UI_TEXT, DIM = UI_DIM, HEAD = UI_HEAD,
		      GOOD = UI_GOOD;

/* ---- heatmap and L2 grid ------------------------------------------------ */

static bool grid_is_l2(const ui_t *u)
{
	return u->view == UI_VIEW_L2;
}

int ui_cell_at(const ui_t *u, int x, int y)
{
	if (u->view == UI_VIEW_PAGES)
		return ui_pages_cell_at(u, x, y);
	if (u->view != UI_VIEW_HEATMAP && u->view != UI_VIEW_L2)
		return -1;
	int n = grid_is_l2(u) ? 16 : 64;
	if (x < u->grid.x || y < u->grid.y || x >= u->grid.x + n * u->cell || y >= u->grid.y + n * u->cell)
		return -1;
	return (y - u->grid.y) / u->cell * n + (x - u->grid.x) / u->cell;
}

void ui_cell_centre(const ui_t *u, int cell, int *x, int *y)
{
	int n = grid_is_l2(u) ? 16 : 64;
	*x = u->grid.x + (cell % n) * u->cell + u->cell / 2;
	*y = u->grid.y + (cell / n) * u->cell + u->cell / 2;
}

/* A cell's value and, for the kind metric, its descriptor kind. */
static uint32_t cell_value(ui_t *u, int cell, mmu_desc_kind *kind)
{
	const ui_space *s = u->space[u->shown_asid];
	uint32_t addr, l1;
	if (!grid_is_l2(u)) {
		l1 = ui_l1_desc(u, u->shown_asid, (unsigned)cell, &addr);
		*kind = mmu_desc_decode(1, l1, false).kind;
		return s ? ui_metric_value(&s->mb[cell], u->metric) : 0;
	}
	uint32_t l2 = 0;
	l1 = ui_l1_desc(u, u->shown_asid, (unsigned)u->selected_mb, &addr);
	mmu_desc d1 = mmu_desc_decode(1, l1, false);
	*kind = d1.kind == MMU_DESC_TABLE ? (ui_l2_desc(u, l1, (unsigned)cell, &addr, &l2),
					      mmu_desc_decode(2, l2, false).kind) : d1.kind;
	return ui_metric_value(ui_page_counts(s, (unsigned)u->selected_mb, (unsigned)cell), u->metric);
}

static uint32_t value_colour(const ui_t *u, uint32_t v, uint32_t max)
{
	if (!v)
		return EMPTY;
	return ui_scale_colour(u->log_scale ? log1p(v) / log1p(max) : (double)v / max);
}

static bool in_region(const ui_region *r, unsigned mb)
{
	return mb >= r->start >> 20 && mb <= r->last >> 20;
}

/* Returns the y below the last label. */
static int draw_regions(ui_t *u)
{
	int c = u->cell, gx = u->grid.x, gy = u->grid.y, label_y = -100;
	for (size_t i = 0; i < ui_region_count; i++) {
		const ui_region *r = &ui_regions[i];
		for (unsigned mb = r->start >> 20; mb <= r->last >> 20; mb++) {
			int x = gx + (int)(mb % 64) * c, y = gy + (int)(mb / 64) * c;
			/* An edge wherever the neighbour is outside the region. */
			if (mb % 64 == 0 || !in_region(r, mb - 1)) ui_fill(u, x, y, 1, c, r->rgb);
			if (mb % 64 == 63 || !in_region(r, mb + 1)) ui_fill(u, x + c - 1, y, 1, c, r->rgb);
			if (mb < 64 || !in_region(r, mb - 64)) ui_fill(u, x, y, c, 1, r->rgb);
			if (mb >= 4032 || !in_region(r, mb + 64)) ui_fill(u, x, y + c - 1, c, 1, r->rgb);
		}
		int y = gy + (int)((r->start >> 20) / 64) * c;
		if (y < label_y + u->ch)
			y = label_y + u->ch;
		label_y = y;
		ui_fill(u, gx + 64 * c + 2, y + u->ch / 2, 8, 1, r->rgb);
		ui_text(u, gx + 64 * c + 12, y, r->rgb, "%s", r->name);
		ui_text(u, gx + 64 * c + 12 + 9 * u->cw, y, DIM, "%08x", r->start);
		if (i < sizeof u->region_at / sizeof u->region_at[0])
			u->region_at[i] = (SDL_Rect){ gx + 64 * c + 12, y, 17 * u->cw, u->ch };
	}
	/* The user/kernel split at PAGE_OFFSET. */
	ui_fill(u, gx - 6, gy + (int)((PAGE_OFFSET >> 20) / 64) * c - 1, 64 * c + 6, 2, 0xffffff);
	return label_y + u->ch;
}

static void draw_legend(ui_t *u, int x, int y, uint32_t max)
{
	if (u->metric == UI_METRIC_KIND) {
		static const mmu_desc_kind kinds[] = { MMU_DESC_FAULT, MMU_DESC_SECTION,
			MMU_DESC_SUPERSECTION, MMU_DESC_TABLE, MMU_DESC_SMALL, MMU_DESC_LARGE };
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
			ui_fill(u, x, y + 2, 12, 12, ui_kind_colour(kinds[i]));
			x = ui_text(u, x + 16, y, TEXT, "%s", mmu_desc_kind_name(kinds[i])) + 14;
		}
		return;
	}
	ui_text(u, x, y, TEXT, "%s (%s)  0", ui_metric_name(u->metric), u->log_scale ? "log" : "linear");
	x += 22 * u->cw;
	for (int i = 0; i < 256; i++)
		ui_fill(u, x + i, y + 2, 1, 12, ui_scale_colour(i / 255.0));
	ui_text(u, x + 262, y, TEXT, "%u", max);
}

static void draw_grid(ui_t *u)
{
	bool l2 = grid_is_l2(u);
	int n = l2 ? 16 : 64, cells = n * n;
	uint32_t max = 1, values[4096];
	mmu_desc_kind kinds[4096];
	for (int i = 0; i < cells; i++) {
		values[i] = cell_value(u, i, &kinds[i]);
		if (values[i] > max)
			max = values[i];
	}
	int gap = u->cell > 6 ? 1 : 0;
	for (int i = 0; i < cells; i++) {
		uint32_t rgb = u->metric == UI_METRIC_KIND ? ui_kind_colour(kinds[i]) : value_colour(u, values[i], max);
		ui_fill(u, u->grid.x + (i % n) * u->cell, u->grid.y + (i / n) * u->cell, u->cell - gap,
			u->cell - gap, rgb);
	}
	int legend_y = u->grid.y + n * u->cell + 8;
	if (!l2) {
		int below = draw_regions(u) + 4;
		legend_y = below > legend_y ? below : legend_y;
	} else {
		uint32_t va = (uint32_t)u->selected_mb << 20, addr;
		uint32_t l1 = ui_l1_desc(u, u->shown_asid, (unsigned)u->selected_mb, &addr);
		char d[96];
		mmu_desc dd = mmu_desc_decode(1, l1, false);
		mmu_desc_format(&dd, d, sizeof d);
		int x = u->grid.x + 16 * u->cell + 12, y = u->grid.y;
		ui_text(u, x, y, HEAD, "L2 table of MB 0x%03x", u->selected_mb);
		ui_text(u, x, y + u->ch, TEXT, "VA 0x%08x-0x%08x", va, va + 0xFFFFF);
		ui_text(u, x, y + 2 * u->ch, TEXT, "L1 [0x%08x] = 0x%08x", addr, l1);
		ui_text(u, x, y + 3 * u->ch, DIM, "%.44s", d);
		ui_text(u, x, y + 5 * u->ch, DIM, "one cell = 4 KB; rows VA[19:16],");
		ui_text(u, x, y + 6 * u->ch, DIM, "columns VA[15:12]; Esc: back");
	}
	if (u->hover >= 0) {
		int hx, hy;
		ui_cell_centre(u, u->hover, &hx, &hy);
		ui_frame_rect(u, hx - u->cell / 2 - 1, hy - u->cell / 2 - 1, u->cell + 1, u->cell + 1, 0xffffff);
	}
	draw_legend(u, u->grid.x, legend_y, max);
}

/* Hover details: VA range, descriptors, PA, counters. */
static int draw_hover(ui_t *u, int x, int y)
{
	if (u->hover < 0) {
		ui_text(u, x, y, DIM, "hover a cell for its descriptor and counters;");
		ui_text(u, x, y + u->ch, DIM, "click one to open its L2 table");
		return y + 2 * u->ch;
	}
	/* l2: a page is hovered (L2 table or page view), else an MB. */
	bool l2 = u->view != UI_VIEW_HEATMAP;
	unsigned mb = u->view == UI_VIEW_L2 ? (unsigned)u->selected_mb
		      : u->view == UI_VIEW_PAGES ? (unsigned)u->hover >> 8 : (unsigned)u->hover;
	unsigned page = (unsigned)u->hover & 0xFF;
	uint32_t va = mb << 20 | (l2 ? page << 12 : 0), size = l2 ? 0x1000 : 0x100000;
	uint32_t a1, l1 = ui_l1_desc(u, u->shown_asid, mb, &a1);
	char d[128];
	mmu_desc d1 = mmu_desc_decode(1, l1, false);
	mmu_desc_format(&d1, d, sizeof d);
	ui_text(u, x, y, HEAD, "VA 0x%08x-0x%08x (%s)", va, va + size - 1, l2 ? "4 KB" : "1 MB");
	for (size_t i = 0; i < ui_region_count; i++)
		if (in_region(&ui_regions[i], mb))
			ui_text(u, x + 36 * u->cw, y, ui_regions[i].rgb, "%s", ui_regions[i].name);
	y += u->ch;
	ui_text(u, x, y, TEXT, "L1 [0x%08x] = 0x%08x", a1, l1);
	ui_text(u, x, y += u->ch, DIM, "  %.52s", d);
	uint64_t pa = 0;
	bool mapped = false;
	if (d1.kind == MMU_DESC_SECTION || d1.kind == MMU_DESC_SUPERSECTION) {
		pa = d1.base + (va & (d1.kind == MMU_DESC_SECTION ? 0xFFFFF : 0xFFFFFF));
		mapped = true;
	}
	uint32_t a2, l2v;
	if (l2 && ui_l2_desc(u, l1, page, &a2, &l2v)) {
		mmu_desc d2 = mmu_desc_decode(2, l2v, false);
		mmu_desc_format(&d2, d, sizeof d);
		ui_text(u, x, y += u->ch, TEXT, "L2 [0x%08x] = 0x%08x", a2, l2v);
		ui_text(u, x, y += u->ch, DIM, "  %.52s", d);
		uint32_t lx;
		char st[64];
		if ((a2 & PTE_HWTABLE_OFF) && emu_phys_read32(u->e, a2 - PTE_HWTABLE_OFF, &lx))
			ui_text(u, x, y += u->ch, TEXT, "Linux PTE [0x%08x] = 0x%08x", a2 - PTE_HWTABLE_OFF, lx),
			ui_text(u, x, y += u->ch, DIM, "  %s", ui_linux_state(lx, st, sizeof st));
		if (d2.kind == MMU_DESC_SMALL || d2.kind == MMU_DESC_LARGE) {
			pa = d2.base + (va & (d2.kind == MMU_DESC_SMALL ? 0xFFF : 0xFFFF));
			mapped = true;
		}
	}
	if (mapped)
		ui_text(u, x, y += u->ch, GOOD, "PA 0x%08llx", (unsigned long long)pa);
	else
		ui_text(u, x, y += u->ch, DIM, "%s", "not mapped by a leaf here");
	const ui_space *s = u->space[u->shown_asid];
	ui_counts none = { 0 };
	const ui_counts *c = l2 ? ui_page_counts(s, mb, page) : s ? &s->mb[mb] : &none;
	ui_text(u, x, y += u->ch, TEXT, "walks %u  misses %u  faults %u  hazards %u", c->walks,
		c->misses, c->faults, c->hazards);
	return y + u->ch;
}

/* ---- TLB ---------------------------------------------------------------- */

/* The entry under the mouse: where it maps, how, for whom. */
static int draw_tlb_entry(ui_t *u, int x, int y)
{
	tlb_entry_view v;
	if (u->tlb_hover_level < 0 ||
	    !tlb_entry_get(emu_tlb(u->e), (tlb_level_id)u->tlb_hover_level, u->tlb_hover_index, &v) || !v.valid) {
		ui_text(u, x, y, DIM, "hover a valid entry for its PA, size, ASID");
		ui_text(u, x, y + u->ch, DIM, "and permissions");
		return y + 2 * u->ch;
	}
	ui_text(u, x, y, HEAD, "%s entry %u (set %u, way %u)%s", tlb_level_name(v.level), v.index, v.set, v.way,
		v.locked ? " locked" : "");
	if (v.level == TLB_WALK_CACHE) {
		ui_text(u, x, y += u->ch, TEXT, "MB 0x%08x: L1 descriptor at 0x%08llx", v.va, (unsigned long long)v.pa);
		return y + u->ch;
	}
	const mmu_entry *e = v.entry;
	uint32_t size = 1u << e->size_log2;
	ui_text(u, x, y += u->ch, TEXT, "VA 0x%08x-0x%08x -> PA 0x%08llx", e->va_base, e->va_base + size - 1,
		(unsigned long long)e->pa_base);
	ui_text(u, x, y += u->ch, TEXT, "%s %s, %s", tlb_size_name(v.size), mmu_desc_kind_name(e->kind),
		v.global ? "global" : "");
	if (!v.global)
		ui_text(u, x + 24 * u->cw, y, TEXT, "ASID %u", v.asid);
	static const char *const ap[8] = { "no access", "kernel RW, user none", "kernel RW, user RO", "RW",
		"reserved", "kernel RO, user none", "RO", "RO" };
	ui_text(u, x, y += u->ch, TEXT, "domain %u  AP %u%u%u: %s%s%s", e->domain, e->ap >> 2 & 1, e->ap >> 1 & 1,
		e->ap & 1, ap[e->ap & 7], e->xn ? ", XN" : "", e->pxn ? ", PXN" : "");
	ui_text(u, x, y += u->ch, DIM, "%s", mmu_memtype_name(e->memtype));
	return y + u->ch;
}

static void draw_tlb(ui_t *u, int x0, int y, int width, int bottom)
{
	const tlb_t *t = emu_tlb(u->e);
	int bw = 12 * u->cw, bh = u->ch + 2;
	u->tlb_hover_level = -1;
	bottom -= u->ch + 4; /* the legend */
	/* Changes since the view was last drawn are not this frame's. */
	bool fresh = u->tlb_frame + 1 == u->frame;
	u->tlb_frame = u->frame;
	for (int lv = 0; lv < TLB_LEVEL_COUNT; lv++) {
		tlb_level_info info = tlb_level_get_info(t, (tlb_level_id)lv);
		unsigned n = tlb_entry_count(t, (tlb_level_id)lv);
		if (!info.present || !n)
			continue;
		ui_tlb_snap *sn = &u->snap[lv];
		ui_text(u, x0, y, HEAD, "%s: %u sets x %u ways%s, %s, %u cycles", tlb_level_name((tlb_level_id)lv),
			info.sets, info.ways, info.lockable ? " + lockdown" : "", tlb_policy_name(info.policy),
			info.latency);
		y += u->ch + 2;
		int fit = width / bw;
		int per_row = (int)info.ways <= fit ? (int)info.ways * (fit / (int)info.ways) : fit;
		int rows = ((int)n + per_row - 1) / per_row, rows_fit = (bottom - y) / bh;
		if (rows_fit < rows)
			rows_fit--; /* a line for "... more" */
		if (rows_fit < 0)
			break;
		for (unsigned i = 0; i < n; i++) {
			tlb_entry_view v;
			if (!tlb_entry_get(t, (tlb_level_id)lv, i, &v))
				continue;
			uint32_t key = v.valid ? (v.va ^ (uint32_t)v.asid << 4 ^ (uint32_t)v.size << 1) | 1 : 0;
			if (sn->key && i < sn->count) {
				if (key != sn->key[i] && !fresh) {
					sn->flash[i] = 0;
				} else if (key != sn->key[i]) {
					sn->flash[i] = UI_FLASH_FRAMES;
					sn->flash_kind[i] = v.valid ? 1 : 2;
				} else if (v.valid && ui_entry_hit(u, v.entry) && !(sn->flash[i] && sn->flash_kind[i])) {
					sn->flash[i] = UI_FLASH_FRAMES;
					sn->flash_kind[i] = 0;
				}
				sn->key[i] = key;
			}
			int col = (int)i % per_row, row = (int)i / per_row;
			int x = x0 + col * bw;
			if (row >= rows_fit) {
				if (row == rows_fit && !col)
					ui_text(u, x0, y + row * bh, DIM, "... %u more entries", n - i);
				continue; /* still tracked for the flashes */
			}
			if (u->mouse_x >= x && u->mouse_x < x + bw && u->mouse_y >= y + row * bh &&
			    u->mouse_y < y + (row + 1) * bh)
				u->tlb_hover_level = lv, u->tlb_hover_index = i;
			/* Another address space's entries are dim. */
			bool mine = v.global || v.asid == u->shown_asid;
			uint32_t bg = !v.valid ? 0x222226 : mine ? 0x283c64 : 0x262a36;
			if (sn->flash && i < sn->count && sn->flash[i]) {
				static const uint32_t flash[3] = { 0xb4a028, 0x28a03c, 0xb43232 };
				bg = flash[sn->flash_kind[i]];
				sn->flash[i]--;
			}
			ui_fill(u, x, y + row * bh, bw - 2, bh - 2, bg);
			if (v.valid)
				ui_text(u, x + 2, y + row * bh, TEXT, "%05x %s%-3s", v.va >> 12,
					v.global ? "g  " : "", v.global ? tlb_size_name(v.size) : "");
			if (v.valid && !v.global) {
				char a[8];
				snprintf(a, sizeof a, "a%u", v.asid);
				ui_text(u, x + 2 + 6 * u->cw, y + row * bh, mine ? HEAD : DIM, "%-3s", a);
				ui_text(u, x + 2 + 9 * u->cw, y + row * bh, TEXT, "%s", tlb_size_name(v.size));
			}
		}
		y += (rows_fit < rows ? rows_fit + 1 : rows) * bh + 8;
	}
	ui_text(u, x0, bottom + 4, DIM, "VA[31:12], g global or aN ASID N, size; flash: hit yellow, fill green, "
		"evict red");
}

/* ---- frame -------------------------------------------------------------- */

const char *const ui_pane_names[UI_PANE_COUNT] = { "header", "main", "side", "status", "keys", "help" };

static const char *const help_lines[] = {
	"space    run / pause",
	"s        step one instruction: shows the PC, instruction, registers",
	"w        next step of the caught walk or fault story, else run to",
	"         the next walk",
	"f        run to the next fault; w then steps it, its handler's PTE",
	"         change and its retry",
	"m        run to the next marker (only --break-marker NAME, if given)",
	"b        run to the next access to --break-va's page / by --break-pc",
	"         (w and f stop only there too when these are given)",
	"+ / -    speed: instructions per frame x2 / /2",
	"tab      next view: heatmap, TLB, walk",
	"z        pages: the active MBs as 4 KB cells (wheel scrolls)",
	"p        mappings: the shown ASID's, ptdump style (wheel scrolls)",
	"1-5      metric: walks, misses, faults, hazards, descriptor kind",
	"g        log / linear colour scale",
	"a        pin the next address space (ASID) seen; after the last,",
	"         follow the running one again",
	"c        clear the UI's counters",
	"r        restart the run from boot",
	"click    a heatmap cell: its L2 table; a region name or a hottest",
	"         page: the page view; Esc goes back",
	"?        this help;  q  quit",
};

static void draw_help(ui_t *u)
{
	size_t n = sizeof help_lines / sizeof help_lines[0], longest = 0;
	for (size_t i = 0; i < n; i++)
		longest = strlen(help_lines[i]) > longest ? strlen(help_lines[i]) : longest;
	int w = (int)(longest + 4) * u->cw, h = (int)(n + 3) * u->ch;
	int x = (u->canvas->w - w) / 2, y = (u->canvas->h - h) / 2;
	u->pane[UI_PANE_HELP] = (SDL_Rect){ x, y, w, h };
	u->pane_shown[UI_PANE_HELP] = true;
	ui_fill(u, x, y, w, h, 0x101014);
	ui_frame_rect(u, x, y, w, h, HEAD);
	ui_text(u, x + u->cw, y + u->ch / 2, HEAD, "%s", "keys");
	for (size_t i = 0; i < n; i++)
		ui_text(u, x + 2 * u->cw, y + (int)(i + 2) * u->ch, TEXT, "%s", help_lines[i]);
}

/* Hit rates per level and misses per 1000 instructions. */
static int draw_rates(ui_t *u, int x, int y)
{
	const tlb_t *t = emu_tlb(u->e);
#define C(name) ((double)tlb_counter_get(t, TLB_CNT_##name))
	double insns = C(instructions) ? C(instructions) : 1;
	struct { const char *name; double hits, lookups, misses; } lv[] = {
		{ "micro I", C(itlb_hits), C(itlb_lookups), C(itlb_misses) },
		{ "micro D", C(dtlb_hits), C(dtlb_lookups), C(dtlb_misses) },
		{ "main", C(main_i_hits) + C(main_d_hits), C(main_i_lookups) + C(main_d_lookups),
		  C(main_i_misses) + C(main_d_misses) },
		{ "walk cache", C(walk_cache_hits), C(walk_cache_lookups), C(walk_cache_misses) },
	};
#undef C
	ui_text(u, x, y, HEAD, "%-11s %9s %12s", "TLB level", "hit rate", "misses/1k in");
	for (size_t i = 0; i < sizeof lv / sizeof lv[0]; i++) {
		if (!lv[i].lookups)
			continue;
		ui_text(u, x, y += u->ch, TEXT, "%-11s %8.2f%% %12.3f", lv[i].name, 100 * lv[i].hits / lv[i].lookups,
			1000 * lv[i].misses / insns);
	}
	return y + u->ch;
}

static void draw_counters(ui_t *u, int x, int y, int bottom)
{
	const tlb_t *t = emu_tlb(u->e);
	y = draw_rates(u, x, y) + 4;
	ui_text(u, x, y, HEAD, "%s", "model counters (non-zero)");
	unsigned shown = 0, nonzero = 0;
	for (int c = 0; c < TLB_COUNTER_COUNT; c++)
		nonzero += tlb_counter_get(t, (tlb_counter)c) != 0;
	for (int c = 0; c < TLB_COUNTER_COUNT; c++) {
		uint64_t v = tlb_counter_get(t, (tlb_counter)c);
		if (!v)
			continue;
		y += u->ch;
		if (y + (shown + 1 == nonzero ? 1 : 2) * u->ch > bottom) {
			ui_text(u, x, y, DIM, "... %u more", nonzero - shown);
			return;
		}
		ui_text(u, x, y, TEXT, "%-22s %14llu", tlb_counter_name((tlb_counter)c), (unsigned long long)v);
		shown++;
	}
}

/* Starts drawing a pane: remembers its rectangle and clips to it. */
static void pane(ui_t *u, ui_pane p, SDL_Rect r)
{
	u->pane[p] = r;
	u->pane_shown[p] = true;
	SDL_SetClipRect(u->canvas, &r);
}

/* The shown address space's mappings, ptdump style (ui_ptdump). */
static const char *maps_text(ui_t *u)
{
	if (u->maps_text && u->maps_e == u->e && u->maps_insns == emu_insns(u->e) &&
	    u->maps_asid == u->shown_asid)
		return u->maps_text;
	mmu_regime reg = *ui_regime(u);
	const ui_space *s = u->space[u->shown_asid];
	if (s)
		reg.ttbr0 = s->ttbr0;
	reg.contextidr = (reg.contextidr & ~0xFFu) | u->shown_asid;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	size_t n = ui_ptdump(u->e, &reg, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	free(u->maps_text);
	u->maps_text = text;
	u->maps_ranges = n;
	u->maps_e = u->e;
	u->maps_insns = emu_insns(u->e);
	u->maps_asid = u->shown_asid;
	return text;
}

static void draw_maps(ui_t *u, SDL_Rect r)
{
	const char *cached = maps_text(u);
	char *text = cached ? strdup(cached) : NULL; /* cut into lines below */
	if (!text)
		return;
	size_t n = u->maps_ranges;
	int y = r.y, fit = r.h / u->ch - 2;
	if (u->maps_scroll >= n)
		u->maps_scroll = n ? (unsigned)n - 1 : 0;
	ui_text(u, r.x + 12, y, HEAD, "ASID %u mappings, %zu ranges (wheel scrolls): VA -> PA, size, kind, "
		"kernel/user access, XN, global, domain, Linux PTE", u->shown_asid, n);
	unsigned line = 0;
	for (char *p = text, *nl; p && *p && (nl = strchr(p, '\n')); p = nl + 1, line++) {
		*nl = 0;
		if (line == 0 || line <= u->maps_scroll)
			continue; /* the header, and the lines scrolled past */
		if ((y += u->ch) > r.y + fit * u->ch) {
			ui_text(u, r.x + 12, y, DIM, "... %zu more", n - (line - 1));
			break;
		}
		ui_text(u, r.x + 12, y, strstr(p, " fault ") ? DIM : TEXT, "%s", p);
	}
	free(text);
}

static void draw_main(ui_t *u, SDL_Rect r)
{
	int top = r.y + 8, bottom = r.y + r.h;
	if (u->view == UI_VIEW_HEATMAP || u->view == UI_VIEW_L2) {
		/* Room under the grid for the legend; beside it for the labels. */
		int n = u->view == UI_VIEW_L2 ? 16 : 64, avail_h = bottom - top - 3 * u->ch - 8;
		int avail_w = r.w - (u->view == UI_VIEW_L2 ? 40 * u->cw : 22 * u->cw) - 24;
		u->cell = (avail_h < avail_w ? avail_h : avail_w) / n;
		if (u->cell < 3)
			u->cell = 3;
		u->grid = (SDL_Rect){ r.x + 12, top, n * u->cell, n * u->cell };
		draw_grid(u);
	} else if (u->view == UI_VIEW_PAGES) {
		ui_pages_draw(u, (SDL_Rect){ r.x, top, r.w, r.h - 8 });
	} else if (u->view == UI_VIEW_MAPS) {
		draw_maps(u, (SDL_Rect){ r.x, top, r.w, r.h - 8 });
	} else if (u->view == UI_VIEW_TLB) {
		draw_tlb(u, r.x + 12, top, r.w - 24, bottom);
	} else {
		ui_draw_stepper(u, r.x + 12, top);
	}
}

static void draw_side(ui_t *u, SDL_Rect r)
{
	int x = r.x + 8, y = r.y + 8, bottom = r.y + r.h;
	if (u->view == UI_VIEW_TLB)
		y = draw_tlb_entry(u, x, y);
	else
		y = draw_hover(u, x, y);
	ui_hot_draw(u, x, y + u->ch / 2, y + u->ch / 2 + (2 * UI_HOT + 2) * u->ch);
	y += (2 * UI_HOT + 2) * u->ch;
	const ui_walk *w = &u->walk;
	ui_text(u, x, y, HEAD, "%s", "last walk caught");
	if (w->valid)
		ui_text(u, x, y + u->ch, TEXT, "VA 0x%08x %s: %s%s", w->va, ui_kind_name(w->kind),
			w->fault.type ? mmu_fault_name(w->fault.type) : "translated", w->fault.type ? " fault" : "");
	else
		ui_text(u, x, y + u->ch, DIM, "%s", "none (w or f to catch one)");
	draw_counters(u, x, y + 5 * u->ch / 2, bottom);
}

void ui_render(ui_t *u)
{
	int W = u->canvas->w, H = u->canvas->h;
	if (!u->pinned)
		u->shown_asid = u->asid;
	memset(u->pane_shown, 0, sizeof u->pane_shown);
	SDL_SetClipRect(u->canvas, NULL);
	ui_fill(u, 0, 0, W, H, BG);
	static const char *const views[UI_VIEW_COUNT] = { "heatmap", "L2 table", "pages", "mappings", "TLB", "walk" };
	const char *state = u->seek == UI_SEEK_WALK ? "SEEK WALK" : u->seek == UI_SEEK_FAULT ? "SEEK FAULT"
			  : u->seek == UI_SEEK_MARKER ? "SEEK MARKER" : u->seek == UI_SEEK_BREAK ? "SEEK BREAK"
			  : u->seek == UI_SEEK_RETRY ? "SEEK RETRY" : u->running ? "RUNNING" : "PAUSED";
	pane(u, UI_PANE_HEADER, (SDL_Rect){ 0, 0, W, BAR });
	ui_fill(u, 0, 0, W, BAR, 0x26262e);
	ui_text(u, 6, 3, HEAD, "mmuscope ui  %-11s insns %-10llu  view %-8s  ASID %u (%s)  metric %s (%s)  "
		"speed %llu/frame", state, (unsigned long long)emu_insns(u->e), views[u->view], u->shown_asid,
		u->pinned ? "pinned" : "running", ui_metric_name(u->metric), u->log_scale ? "log" : "lin",
		(unsigned long long)u->speed);
	pane(u, UI_PANE_KEYS, (SDL_Rect){ 0, H - BAR, W, BAR });
	ui_fill(u, 0, H - BAR, W, BAR, 0x26262e);
	ui_text(u, 6, H - BAR + 3, DIM, "%s", "? help  space run  s step  w walk  f fault  m marker  tab view  "
		"z pages  p maps  1-5 metric  a ASID  r restart  q quit");
	int status_h = u->ch + 4, body_h = H - 2 * BAR - status_h;
	pane(u, UI_PANE_STATUS, (SDL_Rect){ 0, H - BAR - status_h, W, status_h });
	if (u->status[0])
		ui_text(u, 12, H - BAR - status_h + 2, GOOD, "%s", u->status);
	int side_w = u->view == UI_VIEW_WALK || u->view == UI_VIEW_MAPS ? 0 : W >= 1280 ? PANEL_W : 400;
	pane(u, UI_PANE_MAIN, (SDL_Rect){ 0, BAR, W - side_w, body_h });
	draw_main(u, u->pane[UI_PANE_MAIN]);
	if (side_w) {
		pane(u, UI_PANE_SIDE, (SDL_Rect){ W - side_w, BAR, side_w, body_h });
		draw_side(u, u->pane[UI_PANE_SIDE]);
	}
	SDL_SetClipRect(u->canvas, NULL);
	if (u->help)
		draw_help(u);
}
