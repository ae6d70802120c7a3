# 30-recon.sig - the reconnaissance that makes up most HTTP traffic: secrets, config and backup
# files, phpinfo and profiler pages, framework debug endpoints, proxy probes.

sig env-file-leak
name      .env file read attempt (framework secrets)
category  secret-leak
owasp     I7 I9
abuseipdb 21
proto     http https
kind      request
match     path contains .env
match     path regex (^|/)\.env(\.[A-Za-z0-9_-]+)*$

sig vcs-leak
name      Version control metadata read attempt (.git, .svn, .hg)
category  secret-leak
owasp     I7 I9
abuseipdb 21
proto     http https
kind      request
match     path contains /.git/ /.git /.svn/ /.hg/ /.bzr/
match     path regex /\.(git|svn|hg|bzr)(/|$)

sig cloud-credentials-leak
name      Cloud, SSH and package-manager credential file read attempt
category  secret-leak
owasp     I7
abuseipdb 21
proto     http https
kind      request
match     path icontains /.aws/ /.ssh/ /.docker/config.json /.npmrc /.git-credentials /.htpasswd /id_rsa /.s3cfg /credentials.json /.kube/config

sig config-file-probe
name      Application config file read attempt (config.php, settings, appsettings, yml)
category  secret-leak
owasp     I7 I9
abuseipdb 21
proto     http https
kind      request
match     path icontains config.php config.json config.yml config.yaml settings.py appsettings.json web.config database.yml parameters.yml .ds_store sftp-config.json /.vscode/ /.idea/

sig backup-file-probe
name      Backup, dump and archive file probe
category  secret-leak
owasp     I7
abuseipdb 21
proto     http https
kind      request
match     path contains .
match     path regex (?i)\.(sql|sql\.gz|bak|old|orig|backup|swp|save|tar|tar\.gz|tgz|zip|rar|7z|dump)$

sig phpinfo-probe
name      phpinfo page probe
category  recon
owasp     I9
abuseipdb 21
proto     http https
kind      request
match     path icontains phpinfo /info.php /php_info.php /i.php /test.php /php.php

sig symfony-profiler
name      Symfony profiler and dev front controller probe
category  recon
owasp     I9
abuseipdb 21
proto     http https
kind      request
match     path contains /_profiler /app_dev.php /_wdt

sig framework-debug-probe
name      Framework debug and status pages (Werkzeug console, Yii debug, Telescope, elmah, server-status)
category  recon
owasp     I9
abuseipdb 21
proto     http https
kind      request
match     path icontains /console /debug/default/view /telescope /elmah.axd /trace.axd /server-status /server-info /__debug__ /debug/pprof /horizon

sig spring-actuator
name      Spring Boot actuator endpoints (env, heapdump, gateway routes)
category  recon
owasp     I9
abuseipdb 21
proto     http https
kind      request
match     path contains /actuator

sig proxy-connect-probe
name      Open proxy probe (CONNECT or an absolute-form request target)
category  recon
owasp     I2 I9
abuseipdb 14 19
proto     http https
kind      request
match     method is CONNECT
or
match     uri istarts http:// https://

sig path-traversal
name      Directory traversal (../ sequences, encoded or not)
category  exploit
owasp     I3
abuseipdb 21
proto     http https
kind      request
match     decoded_uri|body contains ../ ..\\
match     decoded_uri|body regex (\.\.[/\\]){2,}

sig passwd-read
name      Attempt to read /etc/passwd (LFI, traversal, command injection)
category  exploit
owasp     I3
abuseipdb 15 21
proto     http https
kind      request
match     decoded_uri|header_lines|body contains /etc/passwd

sig webdav-probe
name      WebDAV method probe (PROPFIND, MKCOL, SEARCH ...)
category  recon
owasp     I2 I9
abuseipdb 21
proto     http https
kind      request
match     method is PROPFIND PROPPATCH MKCOL SEARCH COPY MOVE LOCK UNLOCK

sig http-put-upload
name      File upload with HTTP PUT
category  exploit
owasp     I3 I9
abuseipdb 15 21
proto     http https
kind      request
match     method is PUT

sig hadoop-yarn-rce
name      Hadoop YARN ResourceManager unauthenticated application submission
category  exploit
owasp     I2 I9
abuseipdb 15 21
proto     http https
kind      request
match     path contains /ws/v1/cluster/apps

sig docker-api-probe
name      Docker Engine API probe or container creation (unauthenticated 2375/4243)
category  exploit
owasp     I2 I9
abuseipdb 15 21
proto     http https
kind      request
match     path starts /containers/ /images/json /images/create /_ping /exec/ /v1.
match     path regex ^(/v1\.\d+)?/(containers/|images/(json|create)|_ping$|exec/|info$|version$)
or
match     dst_port is 2375 2376 4243
match     path is /version /info /_ping
