/* The UI's main loop: SDL window (or SDL's offscreen driver), input, the
 * emulation advanced a slice per frame, scripted input for tests, and
 * screenshots. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/board.h"
#include "ui/internal.h"

/* About 1.2 M instructions a second at 60 frames: the default workload
 * (1.9 M) fills the heatmap over some 1.5 s, slow enough to watch. */
enum { DEFAULT_SPEED = 20000 };

/* `a`: pin the next ASID seen; past the last one, follow the running one. */
static void next_asid(ui_t *u)
{
	for (int a = u->pinned ? u->shown_asid + 1 : 0; a < 256; a++)
		if (u->space[a]) {
			u->shown_asid = (uint8_t)a;
			u->pinned = true;
			return;
		}
	u->pinned = false;
}

/* The wheel and the arrow keys: the page view by MBs, the mappings by
 * lines (draw_maps keeps the line in range). */
static void scroll(ui_t *u, int by)
{
	if (u->view == UI_VIEW_PAGES)
		ui_pages_scroll(u, by);
	else if (u->view == UI_VIEW_MAPS)
		u->maps_scroll = by < 0 && u->maps_scroll < (unsigned)-by ? 0 : u->maps_scroll + (unsigned)by;
}

/* The PC as the CPU holds it between instructions. */
static uint32_t pc_now(ui_t *u)
{
	uint32_t pc = 0, cpsr = 0;
	emu_reg_by_name(u->e, "pc", &pc);
	emu_reg_by_name(u->e, "cpsr", &cpsr);
	return pc | (cpsr & 0x20 ? 1 : 0);
}

/* The status line for a stop that ends the run. */
static void note_stop(ui_t *u)
{
	if (u->last_stop == EMU_STOP_EXIT)
		snprintf(u->status, sizeof u->status, "the guest exited with code %d; r restarts it from boot",
			 emu_exit_code(u->e));
	else if (u->last_stop == EMU_STOP_ERROR)
		snprintf(u->status, sizeof u->status, "the guest stopped: %.100s; r restarts it", emu_error(u->e));
}

/* After the guest exited nothing runs: say so instead of seeking. */
static bool guest_done(ui_t *u)
{
	if (u->last_stop != EMU_STOP_EXIT && u->last_stop != EMU_STOP_ERROR)
		return false;
	note_stop(u);
	u->running = false;
	return true;
}

static void seek(ui_t *u, ui_seek s)
{
	u->seek = s;
	u->running = true;
}

static void key(ui_t *u, SDL_Keycode k, Uint16 mod)
{
	if (k == SDLK_QUESTION || (k == SDLK_SLASH && (mod & KMOD_SHIFT))) {
		u->help = !u->help;
		return;
	}
	switch (k) {
	case SDLK_q: u->quit = true; break;
	case SDLK_ESCAPE:
		if (u->help)
			u->help = false;
		else if (u->view == UI_VIEW_L2 || u->view == UI_VIEW_PAGES || u->view == UI_VIEW_MAPS)
			u->view = UI_VIEW_HEATMAP, u->hover = -1;
		break;
	case SDLK_SPACE:
		u->running = !u->running && !guest_done(u);
		u->seek = UI_SEEK_NONE;
		break;
	case SDLK_s:
		if (guest_done(u))
			break;
		u->running = false;
		u->seek = UI_SEEK_NONE;
		u->last_stop = emu_step(u->e);
		note_stop(u);
		ui_cpu_read(u, pc_now(u), &u->step);
		u->has_step = true;
		u->view = UI_VIEW_WALK;
		break;
	case SDLK_w:
		u->view = UI_VIEW_WALK;
		if (!ui_story_advance(u) && !guest_done(u))
			seek(u, UI_SEEK_WALK);
		break;
	case SDLK_f:
		u->view = UI_VIEW_WALK;
		if (!guest_done(u))
			seek(u, UI_SEEK_FAULT);
		break;
	case SDLK_m:
		if (!guest_done(u))
			seek(u, UI_SEEK_MARKER);
		break;
	case SDLK_b:
		if (guest_done(u)) {
		} else if (u->opt.has_break_va || u->opt.has_break_pc) {
			u->view = UI_VIEW_WALK;
			seek(u, UI_SEEK_BREAK);
		} else {
			snprintf(u->status, sizeof u->status, "no breakpoint: start with --break-va or --break-pc");
		}
		break;
	case SDLK_TAB:
		u->view = u->view <= UI_VIEW_MAPS ? UI_VIEW_TLB
			  : u->view == UI_VIEW_TLB ? UI_VIEW_WALK : UI_VIEW_HEATMAP;
		u->hover = -1;
		break;
	case SDLK_1: case SDLK_2: case SDLK_3: case SDLK_4: case SDLK_5:
		u->metric = (ui_metric)(k - SDLK_1);
		break;
	case SDLK_g: u->log_scale = !u->log_scale; break;
	case SDLK_z:
		u->view = u->view == UI_VIEW_PAGES ? UI_VIEW_HEATMAP : UI_VIEW_PAGES;
		u->hover = -1;
		break;
	case SDLK_p:
		u->view = u->view == UI_VIEW_MAPS ? UI_VIEW_HEATMAP : UI_VIEW_MAPS;
		u->hover = -1;
		break;
	case SDLK_UP: case SDLK_PAGEUP: scroll(u, -1); break;
	case SDLK_DOWN: case SDLK_PAGEDOWN: scroll(u, 1); break;
	case SDLK_PLUS: case SDLK_EQUALS: case SDLK_KP_PLUS:
		if (u->speed < (1ull << 40))
			u->speed *= 2;
		break;
	case SDLK_MINUS: case SDLK_KP_MINUS:
		if (u->speed > 1)
			u->speed /= 2;
		break;
	case SDLK_a: next_asid(u); break;
	case SDLK_c: ui_reset_counts(u); snprintf(u->status, sizeof u->status, "counters cleared"); break;
	case SDLK_r: u->restart = true; break;
	default: break;
	}
}

static bool inside(const SDL_Rect *r, int x, int y)
{
	return x >= r->x && y >= r->y && x < r->x + r->w && y < r->y + r->h;
}

static void click(ui_t *u, int x, int y)
{
	if (u->view != UI_VIEW_WALK && ui_hot_click(u, x, y))
		return;
	for (size_t i = 0; u->view == UI_VIEW_HEATMAP && i < ui_region_count; i++)
		if (inside(&u->region_at[i], x, y)) {
			u->view = UI_VIEW_PAGES;
			ui_pages_show(u, ui_regions[i].start >> 20);
			u->hover = -1;
			return;
		}
	int cell = ui_cell_at(u, x, y);
	if (cell < 0)
		return;
	if (u->view == UI_VIEW_PAGES) {
		u->selected_mb = cell >> 8;
		u->view = UI_VIEW_L2;
		u->hover = cell & 0xFF;
	} else if (u->view == UI_VIEW_HEATMAP) {
		u->selected_mb = cell;
		u->view = UI_VIEW_L2;
		u->hover = -1;
	} else {
		u->hover = cell;
	}
}

static void handle(ui_t *u, const SDL_Event *ev)
{
	switch (ev->type) {
	case SDL_QUIT: u->quit = true; break;
	case SDL_KEYDOWN: key(u, ev->key.keysym.sym, ev->key.keysym.mod); break;
	case SDL_MOUSEMOTION:
		u->mouse_x = ev->motion.x;
		u->mouse_y = ev->motion.y;
		u->hover = ui_cell_at(u, ev->motion.x, ev->motion.y);
		break;
	case SDL_MOUSEWHEEL: scroll(u, ev->wheel.y > 0 ? -1 : 1); break;
	case SDL_MOUSEBUTTONDOWN:
		if (ev->button.button == SDL_BUTTON_LEFT)
			click(u, ev->button.x, ev->button.y);
		break;
	default: break;
	}
}

/* ---- scripted input: real SDL events, pushed one command per frame ---- */

typedef struct script {
	FILE *f;
	unsigned line, wait;
	bool until_paused;
	/* until KEY FIELD=VALUE N: press KEY whenever paused until the state
	 * has that line, at most N times. */
	char until_key[32], until_line[96];
	unsigned until_left;
} script;

static void state_lines(ui_t *u, FILE *f);

static bool state_has(ui_t *u, const char *line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return false;
	state_lines(u, f);
	fclose(f);
	bool found = buf && strstr(buf, line) != NULL;
	free(buf);
	return found;
}

static bool push_key(const char *name)
{
	SDL_Keycode k = SDL_GetKeyFromName(name);
	if (k == SDLK_UNKNOWN)
		return false;
	SDL_Event ev = { .type = SDL_KEYDOWN };
	ev.key.keysym.sym = k;
	ev.key.state = SDL_PRESSED;
	return SDL_PushEvent(&ev) >= 0;
}

static void push_mouse(Uint32 type, int x, int y)
{
	SDL_Event ev = { .type = type };
	if (type == SDL_MOUSEMOTION) {
		ev.motion.x = x;
		ev.motion.y = y;
	} else {
		ev.button.button = SDL_BUTTON_LEFT;
		ev.button.x = x;
		ev.button.y = y;
		ev.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
	}
	SDL_PushEvent(&ev);
}

static int write_png(ui_t *u, const char *path, char *err, size_t errlen);
static int write_state(ui_t *u, const char *path, char *err, size_t errlen);

/* One script step per frame; returns -1 on a bad line (err set). */
static int script_step(ui_t *u, script *s, char *err, size_t errlen)
{
	if (u->frame == 0)
		return 0; /* clicks need the grid of a drawn frame */
	if (s->until_key[0]) {
		if (u->running)
			return 0;
		if (state_has(u, s->until_line)) {
			s->until_key[0] = 0;
		} else if (s->until_left--) {
			return push_key(s->until_key) ? 0 : -1;
		} else {
			snprintf(err, errlen, "%s: line %u: no '%.40s' after pressing %s", u->opt.script, s->line,
				 s->until_line + 1, s->until_key);
			return -1;
		}
	}
	if (s->until_paused) {
		if (u->running && s->wait) {
			s->wait--;
			return 0;
		}
		s->until_paused = false;
		s->wait = 0;
	} else if (s->wait) {
		s->wait--;
		return 0;
	}
	char line[512], cmd[32] = "", arg[480] = "";
	for (;;) {
		if (!fgets(line, sizeof line, s->f)) {
			fclose(s->f);
			s->f = NULL;
			return 0;
		}
		s->line++;
		if (sscanf(line, " %31s %479[^\n]", cmd, arg) >= 1 && cmd[0] != '#')
			break;
	}
	char *end;
	unsigned long v = strtoul(arg, &end, 0);
	int x, y;
	if (!strcmp(cmd, "key") && push_key(arg))
		return 0;
	if (!strcmp(cmd, "wait") && *arg && !*end) {
		s->wait = (unsigned)v;
		return 0;
	}
	if (!strcmp(cmd, "until-paused") && *arg && !*end) {
		s->until_paused = true;
		s->wait = (unsigned)v;
		return 0;
	}
	if ((!strcmp(cmd, "click") || !strcmp(cmd, "hover")) && *arg && !*end) {
		/* A VA: the centre of its cell in the grid shown now. */
		int cell = u->view == UI_VIEW_L2 ? (int)((v >> 12) & 0xFF) : (int)(v >> 20);
		if (u->view == UI_VIEW_PAGES ? !ui_pages_cell_centre(u, (uint32_t)v, &x, &y)
		    : u->view != UI_VIEW_HEATMAP && u->view != UI_VIEW_L2) {
			snprintf(err, errlen, "%s: line %u: no cell of 0x%lx on screen to %s", u->opt.script, s->line,
				 v, cmd);
			return -1;
		}
		if (u->view != UI_VIEW_PAGES)
			ui_cell_centre(u, cell, &x, &y);
		push_mouse(SDL_MOUSEMOTION, x, y);
		if (!strcmp(cmd, "click")) {
			push_mouse(SDL_MOUSEBUTTONDOWN, x, y);
			push_mouse(SDL_MOUSEBUTTONUP, x, y);
		}
		return 0;
	}
	char key[32], field[80];
	unsigned times;
	if (!strcmp(cmd, "until") && sscanf(arg, "%31s %79s %u", key, field, &times) == 3 &&
	    SDL_GetKeyFromName(key) != SDLK_UNKNOWN) {
		snprintf(s->until_key, sizeof s->until_key, "%s", key);
		snprintf(s->until_line, sizeof s->until_line, "\n%s\n", field);
		s->until_left = times;
		return 0;
	}
	if (!strcmp(cmd, "click-hot") && (!strcmp(arg, "page") || (*arg && !*end))) {
		/* The hottest list's line N (0: the hottest MB), or its hottest page. */
		if (!strcmp(arg, "page"))
			for (v = 0; v < u->nhot && !u->hot[v].page; v++)
				;
		if (v >= u->nhot || !u->hot[v].at.w) {
			snprintf(err, errlen, "%s: line %u: no hottest line %lu on screen", u->opt.script, s->line, v);
			return -1;
		}
		const SDL_Rect *r = &u->hot[v].at;
		push_mouse(SDL_MOUSEMOTION, r->x + r->w / 2, r->y + r->h / 2);
		push_mouse(SDL_MOUSEBUTTONDOWN, r->x + r->w / 2, r->y + r->h / 2);
		push_mouse(SDL_MOUSEBUTTONUP, r->x + r->w / 2, r->y + r->h / 2);
		return 0;
	}
	if (!strcmp(cmd, "state") && *arg)
		return write_state(u, arg, err, errlen);
	if (!strcmp(cmd, "screenshot") && *arg)
		return write_png(u, arg, err, errlen);
	if (!strcmp(cmd, "quit")) {
		SDL_PushEvent(&(SDL_Event){ .type = SDL_QUIT });
		return 0;
	}
	snprintf(err, errlen, "%s: line %u: cannot do '%s %s' (key NAME, click VA, hover VA, wait N, "
		 "until-paused N, until KEY FIELD=VALUE N, click-hot N|page, screenshot FILE, state FILE, quit)", u->opt.script, s->line, cmd, arg);
	return -1;
}

/* ---- output --------------------------------------------------------- */

static int write_png(ui_t *u, const char *path, char *err, size_t errlen)
{
	SDL_Surface *c = u->canvas;
	unsigned char *rgb = malloc((size_t)c->w * c->h * 3);
	if (!rgb) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	for (int y = 0; y < c->h; y++)
		for (int x = 0; x < c->w; x++) {
			Uint32 px = ((const Uint32 *)((const char *)c->pixels + (size_t)y * c->pitch))[x];
			Uint8 r, g, b;
			SDL_GetRGB(px, c->format, &r, &g, &b);
			unsigned char *o = rgb + ((size_t)y * c->w + x) * 3;
			o[0] = r, o[1] = g, o[2] = b;
		}
	int rc = ui_png_write(path, rgb, (unsigned)c->w, (unsigned)c->h, err, errlen);
	free(rgb);
	return rc;
}

static void write_story(const ui_t *u, FILE *f)
{
	const ui_story *st = &u->story;
	if (!u->walk.valid || u->walk.fault.type == MMU_FAULT_NONE)
		return;
	const char *bit = st->has_pte && u->walk.has_linux ? ui_emulated_bit(st->linux_before, st->hw_before) : NULL;
	fprintf(f, "story_emulated=%s\n", bit ? bit : "none");
	static const char *const phases[] = { "fault", "handler", "retry" };
	fprintf(f, "story_phase=%s\nstory_aborted=%d\nstory_l1=0x%08x,0x%08x\n", phases[st->phase],
		st->aborted, st->l1_before, st->l1_after);
	if (st->has_pte)
		fprintf(f, "story_pte_addr=0x%08x\nstory_hw=0x%08x,0x%08x\nstory_linux=0x%08x,0x%08x\n",
			st->pte_addr, st->hw_before, st->hw_after, st->linux_before, st->linux_after);
	if (!st->has_retry)
		return;
	fprintf(f, "story_handler_insns=%llu\nstory_ops=", (unsigned long long)st->handler_insns);
	for (unsigned i = 0; i < st->nops && i < UI_STORY_OPS; i++)
		fprintf(f, "%s%s:0x%08x", i ? "," : "", tlb_op_name(st->ops[i].op), st->ops[i].rt);
	const ui_walk *r = &st->retry;
	fprintf(f, "\nretry_va=0x%08x\nretry_pc=0x%08x\nretry_walked=%d\nretry_refaulted=%d\nretry_fault=%s\n"
		"retry_stage=%u\nretry_stages=%u\n", r->va, r->pc, r->walked, st->retry_refaulted,
		mmu_fault_name(r->fault.type), r->stage, ui_walk_stages(r));
}

static int write_state(ui_t *u, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	state_lines(u, f);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	return 0;
}

/* The UI's state as key=value lines (--state, and the script's until). */
static void state_lines(ui_t *u, FILE *f)
{
	static const char *const views[UI_VIEW_COUNT] = { "heatmap", "l2", "pages", "maps", "tlb", "walk" };
	const ui_walk *w = &u->walk;
	uint64_t walks = 0;
	for (unsigned a = 0; a < 256; a++)
		for (unsigned mb = 0; u->space[a] && mb < 4096; mb++)
			walks += u->space[a]->mb[mb].walks;
	fprintf(f, "frames=%llu\nview=%s\nmetric=%s\nlog=%d\nrunning=%d\nasid=%u\nselected_mb=0x%03x\n"
		"hover=%d\ninsns=%llu\nspeed=%llu\nhelp=%d\nwalks=%llu\nwalk_valid=%d\n"
		"grid_x=%d\ngrid_y=%d\ncell=%d\n",
		(unsigned long long)u->frame, views[u->view], ui_metric_name(u->metric), u->log_scale,
		u->running, u->shown_asid, u->selected_mb, u->hover, (unsigned long long)emu_insns(u->e),
		(unsigned long long)u->speed, u->help, (unsigned long long)walks, w->valid,
		u->grid.x, u->grid.y, u->cell);
	if (w->valid)
		fprintf(f, "walk_va=0x%08x\nwalk_pc=0x%08x\nwalk_stage=%u\nwalk_stages=%u\nwalk_steps=%u\n"
			"walk_fault=%s\nwalk_fsr=0x%03x\nwalk_linux=%d\nwalk_linux_pte=0x%08x\nwalk_disasm=%s\n"
			"walk_kind=%s\nwalk_user=%d\nwalk_desc=",
			w->va, w->pc, w->stage, ui_walk_stages(w), w->walked ? w->trace.nsteps : 0,
			mmu_fault_name(w->fault.type), w->fsr, w->has_linux, w->linux_pte, w->cpu.disasm,
			w->kind == MMU_FETCH ? "fetch" : w->kind == MMU_WRITE ? "write" : "read", w->user);
	for (unsigned i = 0; w->valid && w->walked && i < w->trace.nsteps; i++)
		fprintf(f, "%s0x%08x", i ? "," : "", w->trace.step[i].value);
	if (w->valid)
		fputc('\n', f);
	write_story(u, f);
	fprintf(f, "width=%d\nheight=%d\npinned=%d\nrunning_asid=%u\nactive_mbs=%u\npage_scroll=%u\n",
		u->canvas->w, u->canvas->h, u->pinned, u->asid, u->nactive, u->page_scroll);
	for (unsigned i = 0; i < u->nhot; i++)
		fprintf(f, "hot%u=0x%08x,%s,%u\n", i, u->hot[i].va, u->hot[i].page ? "page" : "mb", u->hot[i].value);
	for (int p = 0; p < UI_PANE_COUNT; p++)
		if (u->pane_shown[p])
			fprintf(f, "pane_%s=%d,%d,%d,%d\n", ui_pane_names[p], u->pane[p].x, u->pane[p].y,
				u->pane[p].w, u->pane[p].h);
	if (u->has_step)
		fprintf(f, "step_pc=0x%08x\nstep_disasm=%s\nstep_cpsr=0x%08x\n", u->step.regs[15] & ~1u,
			u->step.disasm, u->step.regs[16]);
	if (u->marker[0])
		fprintf(f, "marker=%s\n", u->marker);
	fprintf(f, "restarts=%u\nexited=%d\nstatus=%s\n", u->restarts, u->last_stop == EMU_STOP_EXIT, u->status);
}

/* ---- the loop --------------------------------------------------------- */

static bool make_canvas(ui_t *u, int w, int h)
{
	SDL_FreeSurface(u->canvas);
	u->canvas = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_XRGB8888);
	return u->canvas != NULL;
}

/* A fault whose instruction never runs again (the process was killed)
 * ends the search for its retry. */
enum { RETRY_LIMIT = 2000000 };

static void advance(ui_t *u)
{
	if (!u->running)
		return;
	u->last_stop = emu_run(u->e, u->speed);
	if (u->last_stop == EMU_STOP_INSN_LIMIT && u->seek == UI_SEEK_RETRY &&
	    emu_insns(u->e) - u->story.abort_insns > RETRY_LIMIT) {
		snprintf(u->status, sizeof u->status, "no retry of the fault within %u instructions", RETRY_LIMIT);
		u->seek = UI_SEEK_NONE;
		u->running = false;
	}
	if (u->last_stop == EMU_STOP_INSN_LIMIT)
		return;
	u->running = false;
	if (u->last_stop == EMU_STOP_EXIT || u->last_stop == EMU_STOP_ERROR)
		note_stop(u);
	else if (u->seek == UI_SEEK_NONE && u->marker[0])
		snprintf(u->status, sizeof u->status, "paused; last marker '%s'", u->marker);
	if (u->last_stop != EMU_STOP_REQUESTED)
		u->seek = UI_SEEK_NONE;
}

static void free_spaces(ui_t *u)
{
	for (int i = 0; i < 256; i++) {
		if (!u->space[i])
			continue;
		for (int mb = 0; mb < 4096; mb++)
			free(u->space[i]->page[mb]);
		free(u->space[i]);
		u->space[i] = NULL;
	}
}

/* `r`: a fresh machine from the same options, booted from the start; the
 * UI forgets what it recorded, keeps how it shows it. */
static int restart(ui_t *u, emu_t **ep, char *err, size_t errlen)
{
	u->restart = false;
	emu_t *e = emu_create(u->opt.machine, err, errlen);
	if (!e)
		return -1;
	emu_set_events(*ep, NULL);
	emu_destroy(*ep);
	*ep = u->e = e;
	free_spaces(u);
	memset(&u->walk, 0, sizeof u->walk);
	memset(&u->story, 0, sizeof u->story);
	u->has_step = false;
	u->seek = UI_SEEK_NONE;
	u->last_stop = EMU_STOP_INSN_LIMIT;
	u->marker[0] = 0;
	u->running = false;
	u->restarts++;
	snprintf(u->status, sizeof u->status, "restarted from boot, paused: space runs, s steps");
	ui_record_start(u);
	return 0;
}

static void free_ui(ui_t *u)
{
	free_spaces(u);
	free(u->maps_text);
	for (int lv = 0; lv < TLB_LEVEL_COUNT; lv++) {
		free(u->snap[lv].key);
		free(u->snap[lv].flash);
		free(u->snap[lv].flash_kind);
	}
	SDL_FreeSurface(u->canvas);
	ui_font_close(u);
	if (u->window)
		SDL_DestroyWindow(u->window);
	SDL_Quit();
	free(u);
}

int ui_run(emu_t **ep, const ui_options *opt, char *err, size_t errlen)
{
	emu_t *e = *ep;
	if (!emu_tlb(e)) {
		snprintf(err, errlen, "the UI needs the model on");
		return -1;
	}
	if (opt->headless)
		SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
	if (SDL_Init(SDL_INIT_VIDEO) != 0) {
		snprintf(err, errlen, "SDL: %s", SDL_GetError());
		return -1;
	}
	ui_t *u = calloc(1, sizeof *u);
	if (!u) {
		SDL_Quit();
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	u->e = e;
	u->opt = *opt;
	u->speed = opt->speed ? opt->speed : DEFAULT_SPEED;
	u->running = !opt->paused;
	u->last_stop = EMU_STOP_INSN_LIMIT;
	u->log_scale = true;
	u->metric = opt->metric;
	u->hover = -1;
	u->tlb_hover_level = -1;
	u->selected_mb = PAGE_OFFSET >> 20; /* the kernel's first MB */
	int w = opt->width ? opt->width : 1280, h = opt->height ? opt->height : 800;
	int rc = -1;
	script s = { 0 };
	if (!ui_font_open(u, err, errlen))
		goto out;
	u->window = SDL_CreateWindow("mmuscope", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, w, h,
				     SDL_WINDOW_RESIZABLE);
	if (!u->window || !make_canvas(u, w, h)) {
		snprintf(err, errlen, "SDL: %s", SDL_GetError());
		goto out;
	}
	SDL_SetWindowMinimumSize(u->window, UI_MIN_W, UI_MIN_H);
	for (int lv = 0; lv < TLB_LEVEL_COUNT; lv++) {
		ui_tlb_snap *sn = &u->snap[lv];
		sn->count = tlb_entry_count(emu_tlb(e), (tlb_level_id)lv);
		sn->key = calloc(sn->count + 1, sizeof *sn->key);
		sn->flash = calloc(sn->count + 1, 1);
		sn->flash_kind = calloc(sn->count + 1, 1);
	}
	if (opt->script && !(s.f = fopen(opt->script, "r"))) {
		snprintf(err, errlen, "cannot read %s: %s", opt->script, strerror(errno));
		goto out;
	}
	ui_record_start(u);
	while (!u->quit && (!opt->frames || u->frame < opt->frames)) {
		Uint32 start = SDL_GetTicks();
		if (s.f && script_step(u, &s, err, errlen) != 0)
			goto out;
		SDL_Event ev;
		while (SDL_PollEvent(&ev)) {
			if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED &&
			    !make_canvas(u, ev.window.data1, ev.window.data2)) {
				snprintf(err, errlen, "SDL: %s", SDL_GetError());
				goto out;
			}
			handle(u, &ev);
		}
		if (u->restart && opt->machine && restart(u, ep, err, errlen) != 0)
			goto out;
		advance(u);
		ui_render(u);
		memset(u->hits, 0, sizeof u->hits);
		SDL_Surface *ws = SDL_GetWindowSurface(u->window);
		if (ws) {
			SDL_BlitSurface(u->canvas, NULL, ws, NULL);
			SDL_UpdateWindowSurface(u->window);
		}
		u->frame++;
		Uint32 spent = SDL_GetTicks() - start;
		if (!opt->headless && spent < 16)
			SDL_Delay(16 - spent);
	}
	rc = 0;
	if (opt->screenshot)
		rc = write_png(u, opt->screenshot, err, errlen);
	if (rc == 0 && opt->state)
		rc = write_state(u, opt->state, err, errlen);
out:
	emu_set_events(u->e, NULL);
	if (s.f)
		fclose(s.f);
	free_ui(u);
	return rc;
}
