# 50-services.sig - what bots do on Telnet, SSH, RDP and other ports: logins, Mirai/Gafgyt shell
# behaviour, scanners. Fields as the sensors write them: login (user, password, success), command
# (command; line is accepted too), download_url (url, tool), the raw payload of any connection
# (kind payload on the catch-all and on any sensor given bytes it does not speak), the tags the
# SYN fingerprint puts on connect events (mirai, masscan, zmap, nmap).

sig telnet-bruteforce
name      Telnet login attempt (credential brute force)
category  bruteforce
owasp     I1 I2
abuseipdb 18 23
proto     telnet
kind      login

sig ssh-bruteforce
name      SSH login attempt (credential brute force)
category  bruteforce
owasp     I1 I2
abuseipdb 18 22
proto     ssh
kind      login

sig mirai-credentials
name      Mirai-family default IoT credentials (xc3511, vizxv, xmhdipc ...)
category  bruteforce
owasp     I1 I9
abuseipdb 18 23
proto     telnet ssh
kind      login
match     password|pass is xc3511 vizxv xmhdipc juantech 7ujMko0admin 7ujMko0vizxv Zte521 hi3518 jvbzd anko zlxx. klv123 klv1234 ikwb dreambox realtek smcadmin GM8182 hunt5759 tsgoingon 5up meinsm fucker 1001chin vhd1206 xc12345 oelinux123 tl789 founder88

sig mirai-elevation
name      Mirai-family shell elevation sequence (enable, system, shell, sh)
category  malware
owasp     I2 I9
abuseipdb 20 23
proto     telnet ssh
kind      command
match     line|command regex ^\s*(enable|system|shell|sh|linuxshell)(\x00|\\0|\\u0000)?\s*$

sig mirai-busybox-check
name      Mirai-family busybox applet check (/bin/busybox TOKEN)
category  malware
owasp     I2 I9
abuseipdb 20 23
proto     telnet ssh
kind      command
match     line|command contains busybox
match     line|command regex busybox\s+[A-Z][A-Z0-9]{3,}\b
or
match     payload contains /bin/busybox\s
match     payload regex /bin/busybox\s+[A-Z][A-Z0-9]{3,}\b

sig mirai-loader
name      Mirai loader steps (.nippon writable-dir test, dvrHelper, echo-hex dropper)
category  malware
owasp     I2 I4
abuseipdb 20 23
proto     telnet ssh
kind      command
match     line|command contains .nippon dvrHelper kami/ \\x7f\\x45\\x4c\\x46 \\x7fELF .s\s upnp
match     line|command regex (\.nippon|dvrHelper|kami/|echo\s+-ne?\s+'(\\x[0-9a-fA-F]{2}){4,}|dd\s+bs=52\s+count=1)
or
match     line|command contains dd\sbs=52

sig gafgyt-dropper
name      Gafgyt/Bashlite-style dropper (cd /tmp; wget ...; chmod 777; sh)
category  malware-download
owasp     I2 I4
abuseipdb 20 23
proto     telnet ssh
kind      command
match     line|command contains cd\s/tmp cd\s/var cd\s/mnt cd\s/root
match     line|command regex (wget|curl|tftp|ftpget)[^\n]*;\s*(chmod|sh\s|bash\s|\./)

sig shell-download
name      Download command in a shell session (wget, curl, tftp, ftpget)
category  malware-download
owasp     I2 I4
abuseipdb 20 23
proto     telnet ssh
kind      command download_url
match     kind is download_url
or
match     line|command contains wget curl tftp ftpget

sig shell-recon
name      System reconnaissance in a shell session (cpuinfo, mounts, uname, ps)
category  recon
owasp     I2
abuseipdb 15 23
proto     telnet ssh
kind      command
match     line|command contains /proc/cpuinfo /proc/mounts uname nproc /proc/meminfo lscpu free\s-m

sig ssh-key-persistence
name      SSH authorized_keys persistence (attacker key written)
category  malware
owasp     I1 I8
abuseipdb 20 22
proto     ssh telnet
kind      command
match     line|command contains authorized_keys

sig crypto-miner
name      Cryptocurrency miner download or start (xmrig, minerd, stratum)
category  malware
owasp     I8
abuseipdb 20
proto     ssh telnet
kind      command
match     line|command icontains xmrig minerd stratum+tcp cpuminer kinsing kdevtmpfsi

sig rdp-scan
name      RDP connection request (X.224 with mstshash cookie or RDP negotiation)
category  scan
owasp     I2
abuseipdb 14 18
match     proto is rdp
match     kind !is connect close
or
match     payload starts \x03\x00
match     payload contains Cookie:\smstshash= \x01\x00\x08\x00

sig rdp-nmap-probe
name      Nmap RDP service probe (mstshash=nmap)
category  scan
owasp     I2
abuseipdb 14
match     payload starts \x03\x00
match     payload contains mstshash=nmap

sig redis-probe
name      Redis unauthenticated command probe (INFO, CONFIG, SLAVEOF)
category  scan
owasp     I2 I9
abuseipdb 14 15
kind      payload request
match     payload starts *
match     payload regex ^\*\d+\r?\n\$\d+\r?\n(?i:info|config|slaveof|replicaof|set|flushall|module|eval|ping)

sig adb-probe
name      Android Debug Bridge connection (ADB.Miner and IoT botnets)
category  scan
owasp     I2 I9
abuseipdb 14 23
match     payload starts CNXN

sig smb-probe
name      SMB negotiation on a sensor port
category  scan
owasp     I2
abuseipdb 14
match     payload starts \x00
match     payload regex (?s)^\x00...[\xff\xfe]SMB

sig tls-on-plain-port
name      TLS ClientHello sent to a plain-text port (scanner)
category  scan
owasp     I2
abuseipdb 14
kind      payload
match     payload starts \x16\x03

sig elm327-probe
name      ELM327 OBD-II adapter probe (car diagnostics over TCP)
category  scan
owasp     I2 I9
abuseipdb 14 23
proto     elm327
match     kind !is connect close

sig mirai-syn
name      Mirai-family TCP SYN (sequence number equals the destination address)
category  scan
owasp     I2
abuseipdb 14 23
kind      connect
match     tags is mirai

sig masscan-syn
name      masscan port scan (SYN marked by masscan's IP ID)
category  scan
owasp     I2
abuseipdb 14
kind      connect
match     tags is masscan

sig zmap-syn
name      ZMap port scan (SYN marked by ZMap's IP ID)
category  scan
owasp     I2
abuseipdb 14
kind      connect
match     tags is zmap

sig nmap-syn
name      Nmap SYN scan (raw SYN with Nmap's window and options)
category  scan
owasp     I2
abuseipdb 14
kind      connect
match     tags is nmap
