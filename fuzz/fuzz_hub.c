/*
 * The hub's datagram handler (hub_take) on hostile peers.  The input is a
 * sequence of datagrams:
 *
 *   byte   k: who sends: k & 7 picks one of 8 named peers; k & 0x80 takes
 *             the next 110 bytes as the raw sockaddr_un and its length
 *   2 bytes: the datagram's length, little-endian (cut to what is left)
 *   then that many bytes
 *
 * on a hub of at most 4 clients bound to no socket (its sends fail, so
 * that queue-full and dead-client paths run too).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "net/hub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hub *h = hub_create(0, 4);
	if (!h)
		return 0;
	size_t i = 0;
	while (i < size) {
		uint8_t k = data[i++];
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		socklen_t alen;
		if (k & 0x80) {
			size_t n = sizeof a + 2 < size - i ? sizeof a + 2
							   : size - i;
			memcpy(&a, data + i, n < sizeof a ? n : sizeof a);
			alen = n >= sizeof a + 2 ? (socklen_t)(data[i + sizeof a]
				| data[i + sizeof a + 1] << 8) : (socklen_t)n;
			if (alen > sizeof a)
				alen = sizeof a;
			i += n;
		} else {
			snprintf(a.sun_path, sizeof a.sun_path, "/peer%u",
				 k & 7u);
			alen = (socklen_t)(offsetof(struct sockaddr_un,
						    sun_path) +
					   strlen(a.sun_path) + 1);
		}
		size_t len = 0;
		if (i + 2 <= size)
			len = (size_t)data[i] | (size_t)data[i + 1] << 8;
		i += i + 2 <= size ? 2 : size - i;
		if (len > size - i)
			len = size - i;
		hub_take(h, data + i, len, &a, alen);
		i += len;
	}
	hub_close(h);
	return 0;
}
