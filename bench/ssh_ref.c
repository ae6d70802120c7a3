/*
 * ssh_ref.c - the reference bench/ssh.sh measures the SSH sensor against: the same libssh server
 * (same host keys, banner, nonblocking sessions, password callback refusing, 6 tries per
 * connection) on libssh's own poll loop, with the client socket given to libssh directly, and
 * nothing recorded. Usage: ssh_ref PORT HOST_KEY_DIR
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#define MAXS	4096

struct ref_sess {
	ssh_session				 s;
	int					 fails;
	struct ssh_server_callbacks_struct	 cb;
};

static ssh_event	 ev;
static ssh_bind		 bind_;
static struct ref_sess	*sessions[MAXS];

static int
ref_password(ssh_session s, const char *user, const char *pass, void *arg)
{
	struct ref_sess	*r = arg;

	r->fails++;
	return SSH_AUTH_DENIED;
}

static int
ref_accept(socket_t fd, int revents, void *arg)
{
	struct ref_sess	*r;
	int		 i;

	for (i = 0; i < MAXS && sessions[i] != NULL; i++)
		;
	r = calloc(1, sizeof(*r));
	r->s = ssh_new();
	if (i == MAXS || ssh_bind_accept(bind_, r->s) != SSH_OK) {
		ssh_free(r->s);
		free(r);
		return 0;
	}
	ssh_set_blocking(r->s, 0);
	ssh_callbacks_init(&r->cb);
	r->cb.userdata = r;
	r->cb.auth_password_function = ref_password;
	ssh_set_server_callbacks(r->s, &r->cb);
	ssh_set_auth_methods(r->s, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY);
	if (ssh_handle_key_exchange(r->s) == SSH_ERROR) {
		ssh_free(r->s);
		free(r);
		return 0;
	}
	ssh_event_add_session(ev, r->s);
	sessions[i] = r;
	return 0;
}

int
main(int argc, char **argv)
{
	char		 path[4096];
	const char	*keys[] = { "ssh_host_rsa_key", "ssh_host_ecdsa_key", "ssh_host_ed25519_key" };
	int		 i, verbosity = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: ssh_ref PORT HOST_KEY_DIR\n");
		return 2;
	}
	bind_ = ssh_bind_new();
	ssh_bind_options_set(bind_, SSH_BIND_OPTIONS_BINDADDR, "127.0.0.1");
	ssh_bind_options_set(bind_, SSH_BIND_OPTIONS_BINDPORT_STR, argv[1]);
	ssh_bind_options_set(bind_, SSH_BIND_OPTIONS_BANNER, "OpenSSH_8.9p1 Ubuntu-3ubuntu0.10");
	ssh_bind_options_set(bind_, SSH_BIND_OPTIONS_LOG_VERBOSITY, &verbosity);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[2], keys[i]);
		ssh_bind_options_set(bind_, SSH_BIND_OPTIONS_HOSTKEY, path);
	}
	if (ssh_bind_listen(bind_) != SSH_OK) {
		fprintf(stderr, "ssh_ref: %s\n", ssh_get_error(bind_));
		return 1;
	}
	ev = ssh_event_new();
	ssh_event_add_fd(ev, ssh_bind_get_fd(bind_), POLLIN, ref_accept, NULL);
	for (;;) {
		ssh_event_dopoll(ev, 100);
		for (i = 0; i < MAXS; i++) {
			struct ref_sess	*r = sessions[i];

			if (r == NULL)
				continue;
			if (r->fails >= 6 || (ssh_get_status(r->s) & (SSH_CLOSED | SSH_CLOSED_ERROR))) {
				ssh_event_remove_session(ev, r->s);
				ssh_silent_disconnect(r->s);
				ssh_free(r->s);
				free(r);
				sessions[i] = NULL;
			}
		}
	}
}
