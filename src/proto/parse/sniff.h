/* sniff.h - names the protocol of a connection's first bytes (a table of signatures). */
#ifndef HNP_SNIFF_H
#define HNP_SNIFF_H

#include <stddef.h>
#include <stdint.h>

#define SNIFF_NONE	(-1)	/* no known protocol starts like this */
#define SNIFF_MORE	0	/* a prefix of some signature: sniff again with more bytes */
#define SNIFF_MATCH	1	/* *name is set */

/*
 * Classifies buf[0..len): "tls", "http", "ssh", "rdp", "s7comm", "smb", "redis", "adb", "telnet",
 * "elm327", "mqtt", "sip", "rtsp", "jdwp", "mssql", "postgres", "bitcoin", "socks4", "socks5".
 */
int	sniff(const uint8_t *buf, size_t len, const char **name);
/* The name when it matches now, else "unknown". */
const char *sniff_name(const uint8_t *buf, size_t len);

#endif
