/* abuse_report.h - the reporting subcommands of `hanipo abuse` (abuse_report.c). */
#ifndef HNP_CMD_ABUSE_REPORT_H
#define HNP_CMD_ABUSE_REPORT_H

int	abuse_plan_cmd(int argc, char **argv);
int	abuse_render_cmd(int argc, char **argv);
int	abuse_send_cmd(int argc, char **argv);
int	abuse_status_cmd(int argc, char **argv);

#endif
