# The virtual LAN: the hub (a learning switch), its client, pcap capture,
# and the in-process switch of a lab.
noinst_LIBRARIES += libaulanet.a
libaulanet_a_SOURCES = net/hub.h net/hub.c net/hub_client.c \
	net/pcap.h net/pcap.c net/switch.h net/switch.c
