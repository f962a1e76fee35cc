/*
 * The window of aula run --display=sdl (host/sdl_display.c), with SDL's
 * dummy video driver: a guest writes the text buffer and the window shows
 * it; key presses pushed into SDL's event queue reach the guest through
 * the keyboard's interrupt; closing the window powers off; pacing follows
 * the host clock.  Built without SDL2, the test is skipped (exit 77).
 */
#include "config.h"

#ifndef HAVE_SDL
#include <stdio.h>

int main(void)
{
	puts("test_sdl: skipped: aula was built without SDL2");
	return 77;
}
#else

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>

#include "io/ports.h"
#include "tests/unit/harness.h"

/* The budget counts ticks spent halted: let a test see 100 frames. */
#define WINDOW_BUDGET (100ull * DISPLAY_REFRESH)
#include "host/sdl_display.h"

struct win {
	struct font *font;	/* NULL: blocks; the checks hold for both */
	struct screen screen;
	struct sdl_display *d;
	struct th *t;
};

static void open_win(struct win *w, const char *src, int pace)
{
	char err[256];
	w->font = font_load_system(err, sizeof err);
	ck_assert_int_eq(screen_init(&w->screen, w->font), 0);
	w->d = sdl_display_open(&w->screen, pace, err, sizeof err);
	ck_assert_msg(w->d != NULL, "sdl_display_open: %s", err);
	struct vm_config cfg = { .on_brk = VM_BRK_STOP };
	sdl_display_attach(w->d, &cfg);
	w->t = th_boot_config(src, &cfg);
}

static void close_win(struct win *w)
{
	th_free(w->t);
	sdl_display_close(w->d);
	screen_free(&w->screen);
	font_free(w->font);
}

static uint64_t frames_sent(struct th *t)
{
	const struct vm_device *d = vm_find_device(t->vm, "display");
	for (const struct dev_field *f = d->ops->fields; f->name; f++)
		if (!strcmp(f->name, "frames"))
			return dev_field_get(d->state, f);
	ck_abort_msg("the display has no frames field");
	return 0;
}

/* The timer (IRQ 0, vector 16) ends the run after TICKS with code 0, or
 * code 9 if the guest was waiting for something that never came. */
#define TIMEOUT(ticks, code)						\
	" la r1, table\n mtcr vbr, r1\n la r2, timeout\n stw r2, 64(r1)\n" \
	" la r2, isr\n stw r2, 68(r1)\n"				\
	" li r2, " #ticks "\n out r2, 0x31\n li r2, 1\n out r2, 0x30\n"	\
	" ei\nidle: halt\n br idle\n"					\
	"timeout: li r1, " #code "\n out r1, 0(r0)\n"

#define TABLE " .align 4\ntable: .space 1024\nlog: .space 64\n"

#define YELLOW 0xffff55u
#define BLUE 0x0000aau
#define RED 0xaa0000u
#define WHITE 0xffffffu

/* Cell 0 'A' yellow on blue, cell 1 a red blank under the cursor; four
 * frames of time pass. */
START_TEST(window_shows_the_text_buffer)
{
	struct win w;
	open_win(&w, "_start: la r1, 0xb8000\n li r2, 0x1e41\n sth r2, 0(r1)\n"
		 " li r2, 0x4f20\n sth r2, 2(r1)\n"
		 " li r2, 1\n out r2, 0x99\n li r2, 3\n out r2, 0x98\n"
		 TIMEOUT(7000000, 0) "isr: rti\n" TABLE, 0);
	ck_assert_int_eq(th_run(w.t, WINDOW_BUDGET), VM_STOP_POWEROFF);
	ck_assert_uint_eq(w.t->vm->stop_code, 0);
	ck_assert_uint_eq(frames_sent(w.t), 7000000 / DISPLAY_REFRESH);
	/* The frames were all the same: drawn once. */
	ck_assert_uint_eq(sdl_display_frames(w.d), 1);

	int ww, wh;
	uint32_t *p = sdl_display_read(w.d, &ww, &wh);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(ww % w.screen.w, 0);
	int scale = ww / w.screen.w, cw = w.screen.cell_w;
	int ch = w.screen.cell_h;
	ck_assert_int_eq(wh, scale * w.screen.h);
	/* The window shows what the screen drew, pixel for pixel. */
	for (int y = 0; y < w.screen.h; y++)
		for (int x = 0; x < w.screen.w; x++)
			ck_assert_uint_eq(p[(size_t)(y * scale) * (size_t)ww +
					    (size_t)(x * scale)] & 0xffffff,
					  w.screen.pixels[(size_t)y *
					  (size_t)w.screen.w + (size_t)x]);
	/* ... which is the buffer: some yellow ink on blue in cell 0, a red
	 * cell 1 with a white cursor, black beyond. */
	int yellow = 0, blue = 0;
	for (int y = 0; y < ch; y++)
		for (int x = 0; x < cw; x++) {
			uint32_t c = w.screen.pixels[y * w.screen.w + x];
			yellow += c == YELLOW;
			blue += c == BLUE;
		}
	ck_assert_int_gt(yellow, 0);
	ck_assert_int_gt(blue, 0);
	ck_assert_int_eq(yellow + blue, cw * ch);
	ck_assert_uint_eq(w.screen.pixels[cw], RED);
	ck_assert_uint_eq(w.screen.pixels[(ch - 1) * w.screen.w + cw], WHITE);
	ck_assert_uint_eq(w.screen.pixels[2 * cw], 0);
	sdl_display_free(p);
	close_win(&w);
}
END_TEST

/* The title says the machine's state: running, halted waiting for the
 * timer (as each frame finds it), powered off (told at the end), and what
 * the monitor says at its stops. */
START_TEST(title_says_the_machine_state)
{
	struct win w;
	open_win(&w, "_start: li r2, 3\n out r2, 0x98\n"
		 TIMEOUT(7000000, 0) "isr: rti\n" TABLE, 0);
	sdl_display_watch(w.d, w.t->vm, "prog.s");
	ck_assert_str_eq(sdl_display_title(w.d), "Aula: prog.s -- running");
	/* Halted until the timer: the frames while it waits say so. */
	ck_assert_int_eq(th_run(w.t, 3 * DISPLAY_REFRESH), VM_STOP_BUDGET);
	ck_assert(w.t->vm->cpu.halted);
	ck_assert_str_eq(sdl_display_title(w.d),
			 "Aula: prog.s -- halted, waiting for an interrupt");
	ck_assert_int_eq(th_run(w.t, WINDOW_BUDGET), VM_STOP_POWEROFF);
	sdl_display_set_state(w.d, sdl_display_state(w.t->vm));
	ck_assert_str_eq(sdl_display_title(w.d), "Aula: prog.s -- powered off");
	sdl_display_set_state(w.d, "at a breakpoint (monitor)");
	ck_assert_str_eq(sdl_display_title(w.d),
			 "Aula: prog.s -- at a breakpoint (monitor)");
	close_win(&w);
}
END_TEST

static void push_text(const char *utf8)
{
	SDL_Event e = { .type = SDL_TEXTINPUT };
	snprintf(e.text.text, sizeof e.text.text, "%s", utf8);
	ck_assert_int_eq(SDL_PushEvent(&e), 1);
}

static void push_key(SDL_Keycode sym, Uint16 mod)
{
	SDL_Event e = { .type = SDL_KEYDOWN };
	e.key.state = SDL_PRESSED;
	e.key.keysym.sym = sym;
	e.key.keysym.mod = mod;
	ck_assert_int_eq(SDL_PushEvent(&e), 1);
}

/* Key presses in the window reach the guest's IRQ 1 handler, which logs
 * them and powers off after the seventh. */
START_TEST(keys_from_the_window)
{
	static const uint32_t want[] = {
		'h', 0xe9, KBD_KEY_ENTER, KBD_KEY_UP, KBD_KEY_F1 + 4, 0x03, 'z',
	};
	struct win w;
	open_win(&w, "_start: li r1, 1\n out r1, 0x92\n"
		 TIMEOUT(20000000, 9)
		 "isr: in r1, 0x91\n tsti r1, 1\n beq .eoi\n in r1, 0x90\n"
		 " la r2, log\n shli r3, r5, 2\n add r2, r2, r3\n"
		 " stw r1, 0(r2)\n addi r5, r5, 1\n br isr\n"
		 ".eoi: li r1, 1\n out r1, 0x23\n cmpi r5, 7\n beq .done\n"
		 " rti\n.done: out r0, 0(r0)\n" TABLE, 0);
	push_text("h\xc3\xa9");			/* h, e-acute */
	push_key(SDLK_RETURN, KMOD_NONE);
	push_key(SDLK_UP, KMOD_NONE);
	push_key(SDLK_LSHIFT, KMOD_LSHIFT);	/* no key */
	push_key(SDLK_F5, KMOD_NONE);
	push_text("\xe2\x82\xac");		/* the euro: not Latin-1 */
	push_key(SDLK_c, KMOD_LCTRL);		/* Ctrl+C */
	push_key(SDLK_a, KMOD_NONE);		/* text: as SDL_TEXTINPUT */
	push_text("z");
	ck_assert_int_eq(th_run(w.t, WINDOW_BUDGET), VM_STOP_POWEROFF);
	ck_assert_uint_eq(w.t->vm->stop_code, 0);
	for (uint32_t i = 0; i < 7; i++)
		ck_assert_uint_eq(th_peek32(w.t, th_sym(w.t, "log") + 4 * i),
				  want[i]);
	close_win(&w);
}
END_TEST

/* Closing the window powers off at the next frame, with code 0. */
START_TEST(closing_the_window_powers_off)
{
	for (int how = 0; how < 2; how++) {
		struct win w;
		open_win(&w, "_start: ei\nidle: halt\n br idle\n", 0);
		SDL_Event e = { .type = SDL_QUIT };
		if (how) {
			e.type = SDL_WINDOWEVENT;
			e.window.event = SDL_WINDOWEVENT_CLOSE;
		}
		ck_assert_int_eq(SDL_PushEvent(&e), 1);
		ck_assert_int_eq(th_run(w.t, WINDOW_BUDGET), VM_STOP_POWEROFF);
		ck_assert_uint_eq(w.t->vm->stop_code, 0);
		ck_assert_str_eq(w.t->vm->stop_detail,
				 "the display window was closed");
		ck_assert_uint_eq(frames_sent(w.t), 1);
		close_win(&w);
	}
}
END_TEST

/* Paced, 100 ms of virtual time take at least the 67 ms between the
 * first frame (at 16.7 ms, which starts the count) and the last (at
 * 83.3 ms).  Only the lower bound is checked: a slow host is never
 * wrong. */
START_TEST(pacing_follows_the_host_clock)
{
	struct win w;
	struct timespec t0, t1;
	open_win(&w, "_start:" TIMEOUT(10000000, 0) "isr: rti\n" TABLE, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(th_run(w.t, WINDOW_BUDGET), VM_STOP_POWEROFF);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_msg(ms >= 60, "100 ms of virtual time took %.1f ms", ms);
	close_win(&w);
}
END_TEST

static Suite *sdl_suite(void)
{
	Suite *s = suite_create("sdl");
	TCase *tc = tcase_create("window");
	tcase_add_test(tc, window_shows_the_text_buffer);
	tcase_add_test(tc, title_says_the_machine_state);
	tcase_add_test(tc, keys_from_the_window);
	tcase_add_test(tc, closing_the_window_powers_off);
	tcase_add_test(tc, pacing_follows_the_host_clock);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	/* No window system needed: SDL draws into memory. */
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	return th_main(sdl_suite());
}
#endif
