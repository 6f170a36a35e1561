/* The shipped profiles, embedded as NUL-terminated text (see builtin.c). */
#define EMBED(sym, file)		\
	.globl sym;			\
	.globl sym##_end;		\
	.balign 16;			\
sym:					\
	.incbin file;			\
sym##_end:				\
	.byte 0

	.section .rodata
EMBED(tcpadvise_baseline_yaml, "profiles/baseline.yaml")
EMBED(tcpadvise_bbr_yaml, "profiles/bbr.yaml")
EMBED(tcpadvise_crawler_yaml, "profiles/crawler.yaml")
EMBED(tcpadvise_hardening_yaml, "profiles/hardening.yaml")
EMBED(tcpadvise_nginx_yaml, "profiles/nginx.yaml")
EMBED(tcpadvise_proxy_yaml, "profiles/proxy.yaml")

	.section .note.GNU-stack,"",@progbits
