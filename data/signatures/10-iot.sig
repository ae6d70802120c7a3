# 10-iot.sig - exploits against routers, cameras, NAS and other embedded devices (HTTP).
# Format: docs/signatures.md. Sources: ../shared/docs/fingerprints.md §5, the vendors' advisories.

sig gpon-auth-bypass
name      GPON home gateway authentication bypass (?images/ suffix)
cve       CVE-2018-10561
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     uri contains ?images/

sig gpon-rce
name      GPON home gateway command injection (diag_Form dest_host)
cve       CVE-2018-10562 CVE-2018-10561
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /GponForm/diag_Form
match     body contains dest_host=

sig huawei-hg532-rce
name      Huawei HG532 UPnP DeviceUpgrade command injection
cve       CVE-2017-17215
category  exploit
owasp     I2 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /ctrlt/DeviceUpgrade_1

sig realtek-miniigd-rce
name      Realtek SDK miniigd UPnP AddPortMapping command injection
cve       CVE-2014-8361
category  exploit
owasp     I2 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /picsdesc.xml /wanipcn.xml
match     header_lines|body contains AddPortMapping NewInternalClient

sig zyxel-nas-weblogin-rce
name      ZyXEL NAS weblogin.cgi username command injection
cve       CVE-2020-9054
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /weblogin.cgi
match     decoded_uri|body regex username=[^&]*['`;|$]

sig zyxel-usg-ztp-rce
name      ZyXEL USG/ATP ztp handler command injection (setWanPortSt)
cve       CVE-2022-30525
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /ztp/cgi-bin/handler

sig zyxel-viewlog-rce
name      ZyXEL P660HN ViewLog.asp remote_host command injection
cve       CVE-2017-18368
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /cgi-bin/ViewLog.asp

sig tr064-ntp-rce
name      TR-064 SetNTPServers command injection (ZyXEL/Eir D1000, Mirai 2016)
cve       CVE-2016-10372
category  exploit
owasp     I2 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /UD/act
match     header_lines|body contains SetNTPServers NewNTPServer

sig netgear-cgi-bin-rce
name      Netgear R7000/R6400 cgi-bin command injection (/cgi-bin/;cmd)
cve       CVE-2016-6277
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     uri starts /cgi-bin/;

sig netgear-dgn-setup-rce
name      Netgear DGN1000/DGN2200 setup.cgi syscmd command execution
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     uri contains setup.cgi
match     uri contains todo=syscmd currentsetting.htm next_file=

sig draytek-vigor-rce
name      DrayTek Vigor mainfunction.cgi keyPath/loginUser command injection
cve       CVE-2020-8515
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /cgi-bin/mainfunction.cgi

sig dlink-hnap-rce
name      D-Link HNAP SOAPAction command injection
cve       CVE-2015-2051
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path icontains /hnap1
match     header_lines regex (?i)SOAPAction:[^\n]*[`$;|]

sig dlink-hnap-probe
name      D-Link HNAP1 device discovery
category  recon
owasp     I3
abuseipdb 14 23
proto     http https
kind      request
match     path icontains /hnap1

sig dlink-getcfg-disclosure
name      D-Link DIR-645 getcfg.php / hedwig.cgi DEVICE.ACCOUNT credential disclosure
category  exploit
owasp     I1 I3
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains getcfg.php
or
match     body contains DEVICE.ACCOUNT

sig dlink-command-php
name      D-Link DIR-300/600 command.php unauthenticated command execution
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path ends command.php

sig dlink-dsl-login-cli
name      D-Link DSL-2750B login.cgi cli command injection
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path ends /login.cgi
match     uri contains cli=

sig hikvision-weblanguage-rce
name      Hikvision IP camera webLanguage command injection
cve       CVE-2021-36260
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /SDK/webLanguage

sig tplink-archer-rce
name      TP-Link Archer AX21 locale country command injection
cve       CVE-2023-1389
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     uri contains /cgi-bin/luci/;stok=
match     uri|body contains country=

sig linksys-themoon
name      Linksys E-series tmUnblock.cgi command injection (TheMoon worm)
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /tmUnblock.cgi /hndUnblock.cgi

sig boa-formlogin
name      Boa/Realtek GPON boaform admin formLogin default-credential login
category  bruteforce
owasp     I1 I3
abuseipdb 18 21 23
proto     http https
kind      request
match     path contains /boaform/admin/formLogin

sig jaws-dvr-shell
name      MVPower/JAWS DVR unauthenticated /shell command execution
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     uri starts /shell?

sig vacron-nvr-rce
name      Vacron NVR board.cgi command execution
category  exploit
owasp     I3 I5
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /board.cgi
match     uri contains cmd=

sig zte-web-shell-cmd
name      ZTE router web_shell_cmd.gch backdoor
category  exploit
owasp     I3 I9
abuseipdb 15 21 23
proto     http https
kind      request
match     path contains /web_shell_cmd.gch
