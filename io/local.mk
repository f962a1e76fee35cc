libaulacore_a_SOURCES += \
	io/dev.h io/dev.c io/bus.h io/bus.c io/event.h io/event.c \
	io/ports.h io/devices.h io/sysctl.c io/uart.c \
	io/pic.h io/pic.c io/timer.c io/disk.c io/nic.c \
	io/kbd.c io/display.h io/display.c io/balloon.c
