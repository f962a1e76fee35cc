/*
 * The SDL2 window of aula run --display=sdl.  It is the host of two
 * devices (struct vm_config):
 *
 *   display   every DISPLAY_REFRESH ticks of virtual time (60 frames per
 *             virtual second) the machine hands over a frame: it is drawn
 *             (host/screen.c), the window's events are read, and, when
 *             pacing, the frame waits for the host clock;
 *   keyboard  the key presses read from the window wait in a ring here
 *             until the keyboard's next poll (io/kbd.c) takes them.
 *
 * Closing the window makes the refresh report it, and the machine powers
 * off.  Characters come from SDL_TEXTINPUT (so the host's keyboard layout
 * applies); the keys that type no character, and Ctrl with a letter, from
 * SDL_KEYDOWN.  Key releases are not reported.
 */
#include "host/sdl_display.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <SDL.h>

#include "io/ports.h"

/*
 * SDL2 is loaded when the first window opens (dlopen), not linked: it and
 * the fifty libraries it pulls in took 2.8 ms of every aula start, window
 * or not.  The functions this file uses, called through this table; each
 * SDL_name below is a macro for sdl.name.
 */
#define SDL_LIBRARY "libSDL2-2.0.so.0"
#define SDL_FUNCTIONS(X)						\
	X(CreateRenderer) X(CreateTexture) X(CreateWindow) X(Delay)	\
	X(DestroyRenderer) X(DestroyTexture) X(DestroyWindow)		\
	X(GetCurrentVideoDriver) X(GetDesktopDisplayMode) X(GetError)	\
	X(GetPerformanceCounter) X(GetPerformanceFrequency)		\
	X(GetRendererOutputSize) X(Init) X(PollEvent) X(Quit)		\
	X(RenderClear) X(RenderCopy) X(RenderPresent)			\
	X(RenderReadPixels) X(RenderSetLogicalSize) X(SetHint)		\
	X(StartTextInput) X(UpdateTexture) X(calloc) X(free) X(getenv)	\
	X(malloc) X(GetWindowTitle) X(SetWindowTitle)

static struct {
	void *lib;
#define X(f) __typeof__(SDL_##f) *f;
	SDL_FUNCTIONS(X)
#undef X
} sdl;

/* 0, or -1 with a message in err. */
static int sdl_load(char *err, size_t errlen)
{
	if (sdl.lib)
		return 0;
	void *lib = dlopen(SDL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(err, errlen, "cannot load SDL2 (%s): install the "
			 "libsdl2-2.0-0 package, or use --display=none",
			 dlerror());
		return -1;
	}
#define X(f)								\
	if (!(*(void **)&sdl.f = dlsym(lib, "SDL_" #f))) {		\
		snprintf(err, errlen, "cannot load SDL2: %s has no "	\
			 "SDL_%s (too old?)", SDL_LIBRARY, #f);		\
		dlclose(lib);						\
		return -1;						\
	}
	SDL_FUNCTIONS(X)
#undef X
	sdl.lib = lib;
	return 0;
}

#define SDL_CreateRenderer sdl.CreateRenderer
#define SDL_CreateTexture sdl.CreateTexture
#define SDL_CreateWindow sdl.CreateWindow
#define SDL_Delay sdl.Delay
#define SDL_DestroyRenderer sdl.DestroyRenderer
#define SDL_DestroyTexture sdl.DestroyTexture
#define SDL_DestroyWindow sdl.DestroyWindow
#define SDL_GetCurrentVideoDriver sdl.GetCurrentVideoDriver
#define SDL_GetDesktopDisplayMode sdl.GetDesktopDisplayMode
#define SDL_GetError sdl.GetError
#define SDL_GetPerformanceCounter sdl.GetPerformanceCounter
#define SDL_GetPerformanceFrequency sdl.GetPerformanceFrequency
#define SDL_GetRendererOutputSize sdl.GetRendererOutputSize
#define SDL_Init sdl.Init
#define SDL_PollEvent sdl.PollEvent
#define SDL_Quit sdl.Quit
#define SDL_RenderClear sdl.RenderClear
#define SDL_RenderCopy sdl.RenderCopy
#define SDL_RenderPresent sdl.RenderPresent
#define SDL_RenderReadPixels sdl.RenderReadPixels
#define SDL_RenderSetLogicalSize sdl.RenderSetLogicalSize
#define SDL_SetHint sdl.SetHint
#define SDL_StartTextInput sdl.StartTextInput
#define SDL_UpdateTexture sdl.UpdateTexture
#define SDL_calloc sdl.calloc
#define SDL_free sdl.free
#define SDL_getenv sdl.getenv
#define SDL_malloc sdl.malloc
#define SDL_GetWindowTitle sdl.GetWindowTitle
#define SDL_SetWindowTitle sdl.SetWindowTitle

/* Behind the host clock by more than this, pacing gives up catching up
 * and starts counting again from now. */
#define PACE_SLACK_MS 100

struct sdl_display {
	struct screen *screen;
	SDL_Window *win;
	SDL_Renderer *ren;
	SDL_Texture *tex;
	int pace, closed;
	int stale;			/* the window needs drawing again */
	struct display_view shown;	/* the frame in the window */
	uint64_t frames;
	int keys[SDL_DISPLAY_KEYS];	/* a ring: kcount keys from khead */
	unsigned khead, kcount;
	uint64_t keys_dropped;
	int anchored;			/* pacing: wall0 and virt0 are set */
	uint64_t wall0, virt0;		/* performance counter, ticks */
	const struct vm *vm;		/* watched for the title, or NULL */
	char program[128];
	char title[256];
};

const char *sdl_display_state(const struct vm *vm)
{
	switch (vm->stop) {
	case VM_STOP_POWEROFF: return "powered off";
	case VM_STOP_HALT: return "halted with interrupts disabled";
	case VM_STOP_IDLE: return "halted, and nothing will wake it";
	case VM_STOP_BUDGET: return "stopped: instruction budget";
	case VM_STOP_DOUBLE_FAULT: return "crashed (double fault)";
	case VM_STOP_BREAKPOINT: return "at a breakpoint (brk)";
	case VM_STOP_HOST_ERROR: return "stopped: host error";
	case VM_STOP_INTERRUPTED: return "interrupted";
	case VM_RUNNING: break;
	}
	return vm->cpu.halted ? "halted, waiting for an interrupt" : "running";
}

void sdl_display_set_state(struct sdl_display *d, const char *state)
{
	char title[sizeof d->title];
	snprintf(title, sizeof title, "Aula: %s -- %s", d->program, state);
	if (strcmp(title, d->title)) {
		memcpy(d->title, title, sizeof title);
		SDL_SetWindowTitle(d->win, d->title);
	}
}

void sdl_display_watch(struct sdl_display *d, const struct vm *vm,
		       const char *program)
{
	d->vm = vm;
	snprintf(d->program, sizeof d->program, "%s", program);
	sdl_display_set_state(d, sdl_display_state(vm));
}

const char *sdl_display_title(const struct sdl_display *d)
{
	return SDL_GetWindowTitle(d->win);
}

static void push_key(struct sdl_display *d, int code)
{
	if (d->kcount == SDL_DISPLAY_KEYS) {
		d->keys_dropped++;
		return;
	}
	d->keys[(d->khead + d->kcount) % SDL_DISPLAY_KEYS] = code;
	d->kcount++;
}

/* The code of a key that types no character, or -1. */
static int key_code(const SDL_Keysym *k)
{
	switch (k->sym) {
	case SDLK_RETURN: case SDLK_KP_ENTER: return KBD_KEY_ENTER;
	case SDLK_BACKSPACE: return KBD_KEY_BACKSPACE;
	case SDLK_TAB: return KBD_KEY_TAB;
	case SDLK_ESCAPE: return KBD_KEY_ESCAPE;
	case SDLK_DELETE: return KBD_KEY_DELETE;
	case SDLK_UP: return KBD_KEY_UP;
	case SDLK_DOWN: return KBD_KEY_DOWN;
	case SDLK_LEFT: return KBD_KEY_LEFT;
	case SDLK_RIGHT: return KBD_KEY_RIGHT;
	case SDLK_HOME: return KBD_KEY_HOME;
	case SDLK_END: return KBD_KEY_END;
	case SDLK_PAGEUP: return KBD_KEY_PAGEUP;
	case SDLK_PAGEDOWN: return KBD_KEY_PAGEDOWN;
	case SDLK_INSERT: return KBD_KEY_INSERT;
	default: break;
	}
	if (k->sym >= SDLK_F1 && k->sym <= SDLK_F12)
		return KBD_KEY_F1 + (int)(k->sym - SDLK_F1);
	/* Ctrl+A..Ctrl+Z type no text: they are the ASCII codes 1..26. */
	if ((k->mod & KMOD_CTRL) && !(k->mod & KMOD_ALT) &&
	    k->sym >= SDLK_a && k->sym <= SDLK_z)
		return (int)(k->sym - SDLK_a) + 1;
	return -1;
}

/* Typed text, UTF-8: the Latin-1 characters in it are keys. */
static void push_text(struct sdl_display *d, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		unsigned cp = *p++;
		if ((cp & 0xe0) == 0xc0 && (*p & 0xc0) == 0x80)
			cp = (cp & 0x1f) << 6 | (*p++ & 0x3f);
		else if (cp >= 0x80) {
			while ((*p & 0xc0) == 0x80)
				p++;	/* beyond Latin-1: no key */
			continue;
		}
		if ((cp >= 0x20 && cp < 0x7f) || (cp >= 0xa0 && cp <= 0xff))
			push_key(d, (int)cp);
	}
}

static void pump(struct sdl_display *d)
{
	SDL_Event e;
	while (SDL_PollEvent(&e)) {
		switch (e.type) {
		case SDL_QUIT:
			d->closed = 1;
			break;
		case SDL_WINDOWEVENT:
			if (e.window.event == SDL_WINDOWEVENT_CLOSE)
				d->closed = 1;
			else
				d->stale = 1;	/* exposed, resized... */
			break;
		case SDL_KEYDOWN: {
			int code = key_code(&e.key.keysym);
			if (code >= 0)
				push_key(d, code);
			break;
		}
		case SDL_TEXTINPUT:
			push_text(d, e.text.text);
			break;
		}
	}
}

static void present(struct sdl_display *d)
{
	struct screen *s = d->screen;
	SDL_UpdateTexture(d->tex, NULL, s->pixels,
			  s->w * (int)sizeof *s->pixels);
	SDL_RenderClear(d->ren);
	SDL_RenderCopy(d->ren, d->tex, NULL, NULL);
	SDL_RenderPresent(d->ren);
	d->frames++;
}

/* Wait until the host clock reaches virtual time now. */
static void pace(struct sdl_display *d, uint64_t now)
{
	uint64_t wall = SDL_GetPerformanceCounter();
	uint64_t freq = SDL_GetPerformanceFrequency();
	if (!d->anchored || now < d->virt0) {
		d->anchored = 1;
		d->wall0 = wall;
		d->virt0 = now;
		return;
	}
	double virt_ms = (double)(now - d->virt0) * 1000.0 / TIMER_HZ;
	double wall_ms = (double)(wall - d->wall0) * 1000.0 / (double)freq;
	if (virt_ms > wall_ms + 1)
		SDL_Delay((Uint32)(virt_ms - wall_ms));
	else if (virt_ms + PACE_SLACK_MS < wall_ms) {
		d->wall0 = wall;	/* the guest is slower than 100 MHz */
		d->virt0 = now;
	}
}

static int sdl_refresh(void *opaque, const struct display_view *v,
		       uint64_t now)
{
	struct sdl_display *d = opaque;
	pump(d);
	if (d->vm)
		sdl_display_set_state(d, sdl_display_state(d->vm));
	/* Drawing costs far more than comparing: an idle screen is free. */
	if (d->stale || memcmp(v, &d->shown, sizeof *v)) {
		screen_draw(d->screen, v);
		present(d);
		d->shown = *v;
		d->stale = 0;
	}
	if (d->pace)
		pace(d, now);
	return d->closed;
}

static int sdl_next_key(void *opaque, uint64_t now)
{
	struct sdl_display *d = opaque;
	(void)now;
	if (!d->kcount)
		return VM_KEY_NONE;
	int code = d->keys[d->khead];
	d->khead = (d->khead + 1) % SDL_DISPLAY_KEYS;
	d->kcount--;
	return code;
}

struct sdl_display *sdl_display_open(struct screen *screen, int pace,
				     char *err, size_t errlen)
{
	if (sdl_load(err, errlen) != 0)
		return NULL;
	struct sdl_display *d = SDL_calloc(1, sizeof *d);
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->screen = screen;
	d->pace = pace;
	d->stale = 1;
	/* Ctrl+C in the terminal ends aula as it does without a window. */
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
	if (SDL_Init(SDL_INIT_VIDEO) != 0) {
		snprintf(err, errlen, "cannot open a window: %s (no X or "
			 "Wayland display? try --display=none)",
			 SDL_GetError());
		SDL_free(d);
		return NULL;
	}
	/* Without a window system SDL falls back to drawing nowhere: a
	 * window nobody sees, unless that was asked for. */
	const char *driver = SDL_GetCurrentVideoDriver();
	if (!SDL_getenv("SDL_VIDEODRIVER") && driver &&
	    (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy"))) {
		snprintf(err, errlen, "cannot open a window: no X11 or "
			 "Wayland display (is DISPLAY set?); use "
			 "--display=none, or SDL_VIDEODRIVER=%s to draw "
			 "nowhere", driver);
		SDL_Quit();
		SDL_free(d);
		return NULL;
	}
	/* Twice the size, when the desktop has room for it. */
	int scale = 1;
	SDL_DisplayMode mode;
	if (SDL_GetDesktopDisplayMode(0, &mode) == 0 &&
	    mode.w >= 2 * screen->w && mode.h >= 2 * screen->h + 64)
		scale = 2;
	d->win = SDL_CreateWindow("Aula", SDL_WINDOWPOS_CENTERED,
				  SDL_WINDOWPOS_CENTERED, scale * screen->w,
				  scale * screen->h, SDL_WINDOW_RESIZABLE);
	if (d->win)
		d->ren = SDL_CreateRenderer(d->win, -1, 0);
	if (d->ren) {
		SDL_RenderSetLogicalSize(d->ren, screen->w, screen->h);
		d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_RGB888,
					   SDL_TEXTUREACCESS_STREAMING,
					   screen->w, screen->h);
	}
	if (!d->tex) {
		snprintf(err, errlen, "cannot open a window: %s",
			 SDL_GetError());
		sdl_display_close(d);
		return NULL;
	}
	SDL_StartTextInput();
	return d;
}

void sdl_display_attach(struct sdl_display *d, struct vm_config *cfg)
{
	cfg->display.opaque = d;
	cfg->display.refresh = sdl_refresh;
	cfg->keyboard.opaque = d;
	cfg->keyboard.next_key = sdl_next_key;
}


uint64_t sdl_display_frames(const struct sdl_display *d)
{
	return d->frames;
}

uint32_t *sdl_display_read(struct sdl_display *d, int *w, int *h)
{
	if (SDL_GetRendererOutputSize(d->ren, w, h) != 0)
		return NULL;
	uint32_t *p = SDL_malloc((size_t)*w * (size_t)*h * sizeof *p);
	if (p && SDL_RenderReadPixels(d->ren, NULL, SDL_PIXELFORMAT_RGB888, p,
				      *w * (int)sizeof *p) != 0) {
		SDL_free(p);
		p = NULL;
	}
	return p;
}

void sdl_display_free(void *p)
{
	SDL_free(p);
}

void sdl_display_close(struct sdl_display *d)
{
	if (!d)
		return;
	if (d->tex)
		SDL_DestroyTexture(d->tex);
	if (d->ren)
		SDL_DestroyRenderer(d->ren);
	if (d->win)
		SDL_DestroyWindow(d->win);
	SDL_Quit();
	SDL_free(d);
}
