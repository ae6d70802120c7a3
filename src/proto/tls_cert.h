/* tls_cert.h - the HTTPS sensor's certificate: the user's, or a self-signed one made on first run. */
#ifndef HNP_TLS_CERT_H
#define HNP_TLS_CERT_H

#include <stddef.h>

/*
 * Checks a subject such as "/C=US/O=Example/CN=host": 0, or -1 with the reason (also when it
 * says hanipo or honeypot: the certificate is shown to attackers).
 */
int	tls_cert_check_subject(const char *subject, char *why, size_t whylen);
/*
 * Makes a self-signed RSA certificate for subject and writes cert_path and key_path (0600),
 * refusing to overwrite either. 0, or -1 with err.
 */
int	tls_cert_generate(const char *cert_path, const char *key_path, const char *subject,
	    char *err, size_t errlen);

#endif
