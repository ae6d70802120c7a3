# 40-attack.sig - generic attack payloads in HTTP requests: command injection, droppers, web
# shells (the attacks WOWHoneypot's shipped rules catch, and more).

sig cmd-injection-probe
name      OS command injection probe (whoami, id, uname -a)
category  exploit
owasp     I3
abuseipdb 15 21
proto     http https
kind      request
match     decoded_uri|header_lines|body contains whoami uname\s-a uname%20-a ;id; |id; echo\s2014 echo%202014
match     decoded_uri|header_lines|body regex (?i)(whoami|uname\s+-a|[;|`]\s*id\s*[;|`]|echo\s+20\d\d)

sig http-dropper
name      Download-and-execute payload in a request (wget, curl, tftp, ftpget)
category  malware-download
owasp     I3 I5
abuseipdb 15 21
proto     http https
kind      request
match     decoded_uri|header_lines|body contains wget curl tftp ftpget
match     decoded_uri|header_lines|body regex (?i)(wget|curl|tftp|ftpget)(\s|\$\{IFS\}|\$IFS|%20|\+)+[^\n]{0,200}?(https?://|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|-g\s)

sig webshell-probe
name      Known web shell file probe (cmx.php, c99, r57, wso, JSP backdoors)
category  exploit
owasp     I3
abuseipdb 15 21
proto     http https
kind      request
match     path icontains cmx.php c99.php r57.php wso.php /shell.php /cmd.php /up.php alfa.php dizpqeaujm.jsp /cmd.jsp /shell.jsp

sig php-webshell-check
name      PHP web shell liveness check (die(pi()*42), die('z!a'.'x'))
category  exploit
owasp     I3
abuseipdb 15 21
proto     http https
kind      request
match     decoded_uri|body contains pi()*42 pi%28%29%2A42 ZGllKHBpKCkqNDIpOw die('z!a' die(%27z!a%27 md5(

sig php-code-injection
name      PHP code injection (eval/system/base64_decode, php://input, data://)
category  exploit
owasp     I3
abuseipdb 15 21
proto     http https
kind      request
match     decoded_uri|body icontains php://input php://filter data://text base64_decode( call_user_func shell_exec( passthru( <?php
