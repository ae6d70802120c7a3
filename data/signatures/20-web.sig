# 20-web.sig - exploits against web applications and application servers (HTTP).

sig thinkphp-invokefunction-rce
name      ThinkPHP 5.x invokefunction / Request input remote code execution
cve       CVE-2018-20062 CVE-2019-9082
category  exploit
owasp     I3 I5
abuseipdb 15 21
proto     http https
kind      request
match     decoded_uri icontains invokefunction \\think\\request/input \\think\\app \\think\\container
or
match     decoded_uri|body contains _method=__construct
match     decoded_uri|body contains filter[]=

sig drupalgeddon2
name      Drupal Form API render array remote code execution (Drupalgeddon2)
cve       CVE-2018-7600
category  exploit
owasp     I3 I5
abuseipdb 15 21
proto     http https
kind      request
match     uri|body contains element_parents= #post_render %23post_render
match     decoded_uri|body contains post_render ajax_form

sig struts2-ognl-header
name      Apache Struts 2 Jakarta multipart OGNL injection (S2-045/S2-046)
cve       CVE-2017-5638
category  exploit
owasp     I3 I5
abuseipdb 15 21
proto     http https
kind      request
match     header_lines contains %{
match     header_lines regex %\{[^\n]*(#|@ognl|xwork2|ProcessBuilder)

sig struts2-ognl-uri
name      Apache Struts 2 OGNL in the URL (S2-057 namespace, S2-016 redirect:)
cve       CVE-2018-11776 CVE-2013-2251
category  exploit
owasp     I3 I5
abuseipdb 15 21
proto     http https
kind      request
match     decoded_uri contains %{ ${ redirect: action:
match     decoded_uri regex (?i)(%\{|\$\{|redirect:|action:)[^ ]*(#_memberAccess|#context|@java\.lang|ognl|#cmd|#a=)

sig log4shell
name      Apache Log4j JNDI lookup injection (Log4Shell)
cve       CVE-2021-44228 CVE-2021-45046
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     request_line|header_lines|body|decoded_uri contains ${
match     request_line|header_lines|body|decoded_uri regex (?i)\$\{(?:[^}\n]{0,40}?jndi|(?:\$\{(?:lower|upper|::-|env:[^}]*:-|date:')[^}]*\})+)

sig spring4shell
name      Spring Framework class.module.classLoader data binding RCE (Spring4Shell)
cve       CVE-2022-22965
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     decoded_uri|body|header_lines contains class.module.classLoader

sig spring-cloud-function-spel
name      Spring Cloud Function routing-expression SpEL injection
cve       CVE-2022-22963
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     header_lines icontains spring.cloud.function.routing-expression

sig confluence-ognl
name      Atlassian Confluence OGNL injection in the URL
cve       CVE-2022-26134 CVE-2021-26084
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     decoded_uri|body contains ${ %{
match     decoded_uri|body contains java.lang.Runtime @java.lang com.opensymphony.webwork getRuntime

sig shellshock
name      GNU Bash environment function injection (Shellshock)
cve       CVE-2014-6271 CVE-2014-7169
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     header_lines|body|decoded_uri contains (){ ()\s{

sig phpunit-eval-stdin
name      PHPUnit eval-stdin.php remote code execution
cve       CVE-2017-9841
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     path contains eval-stdin.php

sig php-cgi-arg-injection
name      PHP-CGI query-string argument injection (allow_url_include, auto_prepend_file)
cve       CVE-2012-1823 CVE-2024-4577
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     decoded_uri icontains allow_url_include auto_prepend_file
match     uri regex (?i)(^|[?&+])(-|%2d|%ad)d(\+|%20|\s)

sig laravel-ignition-rce
name      Laravel Ignition execute-solution remote code execution
cve       CVE-2021-3129
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     path contains /_ignition/execute-solution

sig apache-path-traversal
name      Apache HTTP Server 2.4.49/50 path traversal and CGI execution
cve       CVE-2021-41773 CVE-2021-42013
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     uri icontains /.%2e/ /%2e%2e/ %%32%65 /.%%32%65/
match     uri icontains /cgi-bin/ /icons/ /bin/sh /etc/passwd

sig citrix-adc-traversal
name      Citrix ADC/Gateway /vpns/ path traversal
cve       CVE-2019-19781
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     uri contains /vpns/
match     uri contains /../ %2e%2e newbm.pl

sig f5-bigip-rce
name      F5 BIG-IP iControl REST / TMUI remote code execution
cve       CVE-2022-1388 CVE-2020-5902
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     path contains /mgmt/tm/util/bash /tmui/login.jsp/..;

sig fortios-traversal
name      Fortinet FortiOS SSL VPN fgt_lang path traversal (session file read)
cve       CVE-2018-13379
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     uri contains /remote/fgt_lang

sig pulse-secure-traversal
name      Pulse Connect Secure arbitrary file read
cve       CVE-2019-11510
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     uri contains /dana-na/

sig weblogic-wls-wsat
name      Oracle WebLogic wls-wsat XMLDecoder deserialisation
cve       CVE-2017-10271 CVE-2017-3506
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     path contains /wls-wsat/

sig weblogic-async
name      Oracle WebLogic _async AsyncResponseService deserialisation
cve       CVE-2019-2725
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     path contains /_async/

sig weblogic-console-rce
name      Oracle WebLogic console double-encoded traversal (unauthenticated RCE)
cve       CVE-2020-14882 CVE-2020-14883
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     path contains /console/
match     uri icontains %252e%252e console.portal

sig jboss-invoker-deser
name      JBoss invoker servlet Java deserialisation
cve       CVE-2015-7501 CVE-2017-12149
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     path contains /invoker/

sig jboss-jms-httpil
name      JBoss JMS HTTPServerILServlet deserialisation
cve       CVE-2017-7504
category  exploit
owasp     I5
abuseipdb 15 21
proto     http https
kind      request
match     uri contains HTTPServerILServlet

sig jboss-console
name      JBoss jmx-console / admin-console / web-console / jbossws access
cve       CVE-2010-0738
category  exploit
owasp     I3 I9
abuseipdb 15 21
proto     http https
kind      request
match     path contains /jmx-console /admin-console/ /web-console /jbossws/

sig axis2-admin
name      Apache Axis2 admin console (default credentials, service upload)
cve       CVE-2010-0219
category  exploit
owasp     I1 I9
abuseipdb 15 21
proto     http https
kind      request
match     path contains /axis2

sig tomcat-manager-probe
name      Apache Tomcat manager application probe
category  recon
owasp     I3 I9
abuseipdb 21
proto     http https
kind      request
match     path starts /manager/ /host-manager/

sig tomcat-manager-login
name      Apache Tomcat manager login attempt (HTTP Basic credentials)
category  bruteforce
owasp     I1 I9
abuseipdb 18 21
proto     http https
kind      request
match     path contains /manager/
match     header_lines icontains authorization:\sbasic

sig tomcat-manager-deploy
name      Apache Tomcat manager WAR deployment
category  exploit
owasp     I1 I9
abuseipdb 15 21
proto     http https
kind      request
match     path contains /manager/text/deploy /manager/html/upload

sig tomcat-put-jsp
name      Apache Tomcat PUT of a JSP file (readonly=false)
cve       CVE-2017-12615
category  exploit
owasp     I5 I9
abuseipdb 15 21
proto     http https
kind      request
match     method is PUT
match     path icontains .jsp

sig javaee-form-login
name      Java EE form login (j_security_check) credential attempt
category  bruteforce
owasp     I1
abuseipdb 18 21
proto     http https
kind      request
match     uri contains j_security_check

sig wordpress-login
name      WordPress login page access
category  recon
owasp     I1 I3
abuseipdb 21
proto     http https
kind      request
match     path ends /wp-login.php

sig wordpress-login-bruteforce
name      WordPress login brute force (POST wp-login.php)
category  bruteforce
owasp     I1
abuseipdb 18 21
proto     http https
kind      request
match     method is POST
match     path ends /wp-login.php

sig wordpress-xmlrpc
name      WordPress xmlrpc.php (system.multicall brute force, pingback abuse)
category  bruteforce
owasp     I1 I3
abuseipdb 18 21
proto     http https
kind      request
match     path ends /xmlrpc.php

sig wordpress-scan
name      WordPress discovery (wlwmanifest, plugin readmes, wp-admin, wp-json)
category  recon
owasp     I3
abuseipdb 21
proto     http https
kind      request
match     path contains /wp-includes/ /wp-content/ /wp-admin/ /wp-json/

sig wordpress-config-leak
name      WordPress wp-config.php (and backups) read attempt
category  secret-leak
owasp     I7
abuseipdb 21
proto     http https
kind      request
match     uri contains wp-config

sig phpmyadmin-scan
name      phpMyAdmin and database admin panel scan
category  recon
owasp     I3 I9
abuseipdb 21
proto     http https
kind      request
match     path icontains phpmyadmin /pma/ /myadmin /mysqladmin /dbadmin /sqladmin /mysql-admin /phpma /scripts/setup.php

sig http-login-bruteforce
name      Credentials posted to a login form
category  bruteforce
owasp     I1
abuseipdb 18 21
proto     http https
kind      request
match     method is POST
match     path icontains login logon signin auth
match     body icontains pass pwd

sig sql-injection
name      SQL injection probe (UNION SELECT, boolean and time-based)
category  exploit
owasp     I3
abuseipdb 16 21
proto     http https
kind      request
match     decoded_uri|body icontains select union sleep( benchmark( waitfor or\s1=1 '\sor\s' information_schema
match     decoded_uri|body regex (?i)(union[\s/*]+(all[\s/*]+)?select|\b(sleep|benchmark)\s*\(|waitfor\s+delay|'\s*or\s+'?\d+'?\s*=\s*'?\d|information_schema)
