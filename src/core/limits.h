/* limits.h - every cap and timeout default in one place; config may lower them, never remove them. */
#ifndef HNP_LIMITS_H
#define HNP_LIMITS_H

/* A limit as the text of a config default; the limits it is used on are plain decimal literals. */
#define HNP_STR_(x)	#x
#define HNP_STR(x)	HNP_STR_(x)

/* Connections. */
#define HNP_MAX_CONNECTIONS		4096	/* open sessions, all listeners (default) */
#define HNP_MAX_CONNECTIONS_HARD	65536	/* what config may raise max_connections to */
#define HNP_MAX_CONN_PER_SOURCE		64	/* open sessions from one address */
#define HNP_ACCEPT_PAUSE_MS		500	/* pause accepting on EMFILE/ENFILE */
#define HNP_LISTEN_BACKLOG		1024
#define HNP_MAX_LISTENERS		64	/* host:port values per sensor */

#define HNP_MAX_BUFFERED		67108864	/* input held by all sessions (64 MiB) */
#define HNP_MAX_BUFFERED_HARD		(1024LL * 1024 * 1024)	/* what config may raise it to */

#define HNP_MAX_PENDING_OUT		(256 * 1024)	/* a session's unsent replies (any protocol) */

/* Time per session (seconds). */
#define HNP_IDLE_TIMEOUT		30	/* no byte received */
#define HNP_TOTAL_TIMEOUT		120	/* whole session */
#define HNP_MAX_TIMEOUT			3600	/* what config may raise either to */

/* HTTP. */
#define HNP_MAX_HTTP_HEADER_BYTES	65536		/* request line + headers */
#define HNP_MAX_HTTP_BODY_BYTES		1048576		/* body kept; the rest is cut */
#define HNP_MAX_HTTP_HEADERS		100		/* header lines parsed */
#define HNP_MAX_HTTP_REQUESTS		100		/* requests per connection */

/* SSH. */
#define HNP_SSH_MAX_AUTH_TRIES		6	/* failed logins per connection (OpenSSH MaxAuthTries) */
#define HNP_SSH_MAX_AUTH_TRIES_HARD	100	/* what config may raise it to */
#define HNP_SSH_MAX_CHANNELS		10	/* channels per connection (OpenSSH MaxSessions) */
#define HNP_SSH_MAX_CHANNEL_DATA	1048576	/* channel bytes a connection may send in all */
#define HNP_SSH_MAX_INPUT		65536	/* raw bytes handed to libssh at a time */
#define HNP_SSH_MAX_FIELD		1024	/* user, password, command kept in fields */

/* TLS. */
#define HNP_MAX_TLS_HANDSHAKE_BYTES	65536		/* bytes received before the handshake ends */
#define HNP_MAX_TLS_SUBJECT		1024		/* generated certificate's subject */

/* RDP, ELM327, catch-all. */
#define HNP_MAX_RDP_PDU			4096	/* a Connection Request's TPKT; longer is malformed */
#define HNP_MAX_ELM_LINE		128	/* an ELM327 command line (its input buffer) */
#define HNP_MAX_CATCHALL_BYTES		16384	/* first bytes a catch-all connection records */
#define HNP_CATCHALL_BYTES		4096	/* their default */
#define HNP_MAX_CATCHALL_BANNER		1024	/* a catch-all banner (one write on a new socket) */
#define HNP_MAX_RANGE_PORTS		1024	/* ports all of a sensor's port ranges may open */

#define HNP_READ_CHUNK			16384		/* bytes per read() */

/* The fake shell (Telnet, SSH) and Telnet. */
#define HNP_SHELL_MAX_LINE		4096	/* bytes of one command line (the rest is cut) */
#define HNP_SHELL_MAX_ARGS		64	/* words of one command */
#define HNP_SHELL_MAX_CMDS		32	/* commands of one line */
#define HNP_SHELL_MAX_OUTPUT		65536	/* output of one command line */
#define HNP_SHELL_MAX_LINES		1000	/* command lines per session, then the shell ends */
#define HNP_SHELL_MAX_FILES		64	/* files a session may create */
#define HNP_SHELL_MAX_FS_BYTES		262144	/* their bytes, together */
#define HNP_SHELL_MAX_DEPTH		8	/* nested sh and sh -c */
#define HNP_SHELL_MAX_EXPAND		16384	/* one command's words after $NAME expansion */
#define HNP_SHELL_MAX_PATH		255	/* a path name */
#define HNP_TELNET_MAX_LOGINS		10	/* login attempts per connection */
#define HNP_TELNET_MAX_SB		256	/* bytes of one subnegotiation */
#define HNP_TELNET_MAX_CREDS		10000	/* lines of a credentials file */

/* Events and the store. */
#define HNP_MAX_PAYLOAD_BYTES		(1024 * 1024 + 64 * 1024)	/* raw bytes kept per event */
#define HNP_MAX_SENSOR_NAME		63
#define HNP_MAX_SAVED_SYN		512	/* IP (+ extension headers) + TCP header of a SYN */
#define HNP_MAX_FIELDS_JSON		(4 * 1024 * 1024)	/* an event's fields as JSON */
#define HNP_MAX_QUEUED_EVENTS		200000	/* events waiting for the writer */
#define HNP_MAX_QUEUED_BYTES		(128 * 1024 * 1024)	/* their payloads */
#define HNP_MAX_BATCH_EVENTS		4096	/* events per transaction */
#define HNP_LAZY_COMMIT_MS		10	/* events no reply waits for wait this long */
#define HNP_COMMIT_WAIT_US		1000	/* a reply waits at most this long on a busy loop */
#define HNP_LAZY_COMMIT_EVENTS		256	/* ... or until this many are pending */

/* Config files. */
#define HNP_MAX_CONFIG_VALUE		4096

#endif
