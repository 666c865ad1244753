/* State shared by the SDL user interface's sources.  Not public. */
#ifndef MMUSCOPE_UI_INTERNAL_H
#define MMUSCOPE_UI_INTERNAL_H

#include <SDL.h>
#include <SDL_ttf.h>

#include "emu/scenario.h"
#include "ui/ui.h"

/* What the UI counts per MB and per 4 KB page, from the core's events. */
typedef struct ui_counts {
	uint32_t walks, misses, faults, hazards;
} ui_counts;

/* One address space (ASID): its TTBR0 as last programmed, and counters. */
typedef struct ui_space {
	uint32_t ttbr0;
	ui_counts mb[4096];
	ui_counts *page[4096];  /* 256 per MB, allocated on first use */
} ui_space;

/* Why the emulation should pause.  UI_SEEK_RETRY: until the faulting
 * instruction runs again after its handler. */
typedef enum ui_seek {
	UI_SEEK_NONE, UI_SEEK_WALK, UI_SEEK_FAULT, UI_SEEK_MARKER, UI_SEEK_BREAK, UI_SEEK_RETRY
} ui_seek;

/* The CPU at one moment: registers and the instruction at the PC. */
typedef struct ui_cpu {
	uint32_t regs[17];      /* r0..r12, sp, lr, pc, cpsr */
	bool thumb;
	char disasm[200];
} ui_cpu;

/* One translation caught for the walk stepper: the walk as the model did it
 * and what the guest and the CPU looked like at that moment. */
typedef struct ui_walk {
	bool valid, walked;     /* walked: the access missed every TLB */
	uint32_t va, pc;
	mmu_kind kind;
	bool user, thumb;
	uint8_t asid;
	mmu_trace trace;
	mmu_regime regime;
	mmu_fault fault;        /* the access's final verdict (walk, then check) */
	uint32_t fsr;
	bool has_entry;
	mmu_entry entry;
	bool has_linux;         /* small page in a Linux PTE table */
	uint32_t linux_pte;
	ui_cpu cpu;
	unsigned stage;         /* steps revealed so far, 0 .. ui_walk_stages()-1 */
} ui_walk;

enum { UI_STORY_OPS = 8 };

/* The whole story of a caught fault: the faulting access (ui.walk), what
 * the guest's handler changed in the tables and the TLB maintenance it
 * issued, then the retry of the same instruction. */
typedef struct ui_story {
	enum { UI_STORY_FAULT, UI_STORY_HANDLER, UI_STORY_RETRY } phase;
	bool aborted;           /* the abort for the fault was taken */
	uint64_t abort_insns;   /* instructions retired before the faulting one */
	uint32_t l1_addr, l1_before, l1_after;
	bool has_pte;           /* the page's hardware PTE address is known */
	bool pte_existed;       /* ... and its L2 table existed at the fault */
	uint32_t pte_addr, hw_before, hw_after, linux_before, linux_after;
	unsigned nops;          /* TLB maintenance ops the handler issued */
	struct { tlb_op op; uint32_t rt; } ops[UI_STORY_OPS];
	bool has_retry;
	/* The retry hit the TLB's entry from before the change, whose check
	 * faulted: the model dropped it and walked again (tlb_refault_slow). */
	bool retry_refaulted;
	uint64_t refaults_at_abort;
	uint64_t retry_block_insns; /* retired before the block the retry starts */
	uint64_t handler_insns; /* instructions between the fault and its retry */
	ui_walk retry;
} ui_story;

typedef enum ui_view {
	UI_VIEW_HEATMAP, UI_VIEW_L2, UI_VIEW_PAGES, UI_VIEW_MAPS, UI_VIEW_TLB, UI_VIEW_WALK, UI_VIEW_COUNT
} ui_view;

/* The window's panes; each is drawn clipped to its rectangle. */
typedef enum ui_pane {
	UI_PANE_HEADER, UI_PANE_MAIN, UI_PANE_SIDE, UI_PANE_STATUS, UI_PANE_KEYS, UI_PANE_HELP,
	UI_PANE_COUNT
} ui_pane;
extern const char *const ui_pane_names[UI_PANE_COUNT];

/* The smallest window every pane fits in. */
enum { UI_MIN_W = 1024, UI_MIN_H = 640 };

/* One line of the "hottest" list: an MB or a page, and where it was drawn. */
enum { UI_HOT = 5 };
typedef struct ui_hot {
	uint32_t va, value;
	bool page;
	SDL_Rect at;
} ui_hot;

/* A named VA range outlined on the heatmap.  Data, so that more (user
 * stack, heap) are one line each. */
typedef struct ui_region {
	const char *name;
	uint32_t start, last;   /* first and last address */
	uint32_t rgb;
} ui_region;
extern const ui_region ui_regions[];
extern const size_t ui_region_count;

enum { UI_FLASH_FRAMES = 12, UI_HIT_SLOTS = 1024 };

/* The TLB view's memory of the last frame, to flash what changed. */
typedef struct ui_tlb_snap {
	unsigned count;
	uint32_t *key;          /* va | valid, per entry */
	uint8_t *flash;         /* frames left; */
	uint8_t *flash_kind;    /* 0 hit, 1 fill, 2 eviction */
} ui_tlb_snap;

struct ui {
	emu_t *e;
	ui_options opt;
	/* recording */
	ui_space *space[256];
	uint8_t asid;           /* current, as CONTEXTIDR says */
	ui_seek seek;
	ui_walk walk, pending;
	ui_story story;
	bool has_step;          /* `s` stepped since the last walk was caught */
	ui_cpu step;            /* the CPU after the last `s` */
	const void *hits[UI_HIT_SLOTS]; /* TLB entries that hit this frame */
	char marker[64];        /* the last marker the guest reported */
	/* presentation */
	SDL_Window *window;
	SDL_Surface *canvas;
	TTF_Font *font;
	SDL_Surface *glyph[128];
	int cw, ch;             /* glyph cell */
	ui_view view;
	ui_metric metric;
	bool log_scale, help, running, quit, restart;
	unsigned restarts;
	uint8_t shown_asid;     /* the running ASID unless pinned */
	bool pinned;            /* `a` chose shown_asid */
	int selected_mb;        /* the L2 view's MB */
	int hover;              /* cell under the mouse: MB (heatmap), page (L2),
				 * MB << 8 | page (page view); -1 none */
	uint16_t active[4096];  /* the page view's MBs: those with page counters */
	unsigned nactive, page_scroll; /* ... and the first one shown */
	unsigned maps_scroll;   /* the mappings list's first line shown */
	/* The CPU's translation regime as of (regime_e, regime_insns): the
	 * views read descriptors for thousands of cells a frame, and the
	 * regime changes only when the machine runs (ui_regime). */
	mmu_regime regime;
	const emu_t *regime_e;
	uint64_t regime_insns;
	/* The mappings list, rebuilt only when the machine ran or the shown
	 * ASID changed: a ptdump walks every table of the address space. */
	char *maps_text;
	size_t maps_ranges;
	const emu_t *maps_e;
	uint64_t maps_insns;
	int maps_asid;
	ui_hot hot[2 * UI_HOT]; /* hottest MBs, then hottest pages */
	unsigned nhot;
	int mouse_x, mouse_y;
	int tlb_hover_level;    /* the TLB entry under the mouse; -1 none */
	uint64_t tlb_frame;     /* the frame the TLB view was last drawn */
	unsigned tlb_hover_index;
	SDL_Rect region_at[16]; /* the heatmap's region labels, for clicks */
	SDL_Rect pane[UI_PANE_COUNT];
	bool pane_shown[UI_PANE_COUNT];
	uint64_t speed;         /* instructions per frame */
	uint64_t frame;
	emu_stop last_stop;
	char status[160];
	ui_tlb_snap snap[TLB_LEVEL_COUNT];
	/* geometry of the last frame, for hit tests */
	SDL_Rect grid;
	int cell;
};

/* record.c */
void ui_record_start(ui_t *u);
/* Reads the registers and disassembles the instruction at pc. */
void ui_cpu_read(ui_t *u, uint32_t pc, ui_cpu *cpu);
ui_space *ui_space_get(ui_t *u, uint8_t asid);
const ui_counts *ui_page_counts(const ui_space *s, unsigned mb, unsigned page);
void ui_reset_counts(ui_t *u);
unsigned ui_walk_stages(const ui_walk *w);
uint32_t ui_metric_value(const ui_counts *c, ui_metric m);
bool ui_entry_hit(const ui_t *u, const void *entry);
/* The CPU's translation regime, read again only after the machine ran. */
const mmu_regime *ui_regime(ui_t *u);
/* The L1 descriptor for an MB of an address space (0 when unreadable),
 * and the L2 descriptor of a page under it. */
uint32_t ui_l1_desc(ui_t *u, uint8_t asid, unsigned mb, uint32_t *addr);
bool ui_l2_desc(ui_t *u, uint32_t l1, unsigned page, uint32_t *addr, uint32_t *value);

/* The palette. */
enum { UI_BG = 0x18181c, UI_TEXT = 0xe6e6e6, UI_DIM = 0x9a9aa0, UI_HEAD = 0xffd75a, UI_BAD = 0xff6464,
       UI_GOOD = 0x78e678 };

/* draw.c */
bool ui_font_open(ui_t *u, char *err, size_t errlen);
void ui_font_close(ui_t *u);
void ui_fill(ui_t *u, int x, int y, int w, int h, uint32_t rgb);
void ui_frame_rect(ui_t *u, int x, int y, int w, int h, uint32_t rgb);
/* Draws printf-formatted text; returns the x after it. */
int ui_text(ui_t *u, int x, int y, uint32_t rgb, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
uint32_t ui_scale_colour(double t);
uint32_t ui_kind_colour(mmu_desc_kind k);

/* stepper.c */
void ui_draw_stepper(ui_t *u, int x, int y);
/* `w`: reveal the story's next stage, or run on to the fault's retry; false when the story is told (run to the next walk). */
bool ui_story_advance(ui_t *u);
const char *ui_kind_name(mmu_kind k);
/* "young" or "dirty" when a hardware PTE is weaker than its Linux PTE
 * because Linux emulates that bit by faults, else NULL. */
const char *ui_emulated_bit(uint32_t linux_pte, uint32_t hw_pte);
/* A Linux PTE in words: "present young dirty", or "none (no page)" for 0. */
const char *ui_linux_state(uint32_t lx, char *buf, size_t len);

/* pages.c */
void ui_pages_draw(ui_t *u, SDL_Rect r);
int ui_pages_cell_at(const ui_t *u, int x, int y);
/* The centre of a page's cell; false when its MB is not on screen. */
bool ui_pages_cell_centre(const ui_t *u, uint32_t va, int *x, int *y);
/* Scrolls the page view so that MB mb (or the next active one) is on top. */
void ui_pages_show(ui_t *u, unsigned mb);
void ui_pages_scroll(ui_t *u, int bands);
void ui_hot_draw(ui_t *u, int x, int y, int bottom);
/* A click on a hottest line: opens its MB or page; false if none there. */
bool ui_hot_click(ui_t *u, int x, int y);
/* The active MBs of the shown address space (u->active). */
void ui_active_update(ui_t *u);
/* The descriptor kind that maps va in the shown address space. */
mmu_desc_kind ui_va_kind(ui_t *u, uint32_t va);

/* views.c */
void ui_render(ui_t *u);
/* The MB (heatmap) or page (L2) cell at a pixel; -1 outside the grid. */
int ui_cell_at(const ui_t *u, int x, int y);
/* The pixel at the centre of a cell, for scripted clicks. */
void ui_cell_centre(const ui_t *u, int cell, int *x, int *y);

#endif
