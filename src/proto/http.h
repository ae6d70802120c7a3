/* http.h - the HTTP sensor as the HTTPS sensor reuses it: its proto and per-connection state. */
#ifndef HNP_PROTO_HTTP_H
#define HNP_PROTO_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "proto/parse/http_req.h"
#include "proto/proto.h"

extern const struct proto proto_http;

/* One connection's request in progress. */
struct http_ctx {
	int			 have_head;
	size_t			 scan_from;	/* where to resume looking for the end of the head */
	size_t			 head_len;
	int64_t			 content_length;
	unsigned		 flags;
	struct http_chunked	 chunked;
	struct buf		 body;		/* decoded chunked body */
	int			 sent_continue;
	unsigned		 nrequests;
};

#endif
