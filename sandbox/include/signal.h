/* sieve: wasi-libc's <signal.h> (with its emulated signal() and raise()) and the sigaction()
 * that WASI leaves out, which installs the handler through signal(): judges' managers and
 * contestants' code ignore SIGPIPE or catch SIGALRM this way. No signal is ever delivered to a
 * guest, so a handler only runs when the program raises its own signal. */
#ifndef SIEVE_SIGNAL_H
#define SIEVE_SIGNAL_H
#include_next <signal.h>
#define __NEED_sigset_t
#include <bits/alltypes.h>
#ifdef __cplusplus
extern "C" {
#endif
struct sigaction {
    union {
        void (*sa_handler)(int);
        void (*sa_sigaction)(int, void *, void *);
    } __sa_handler;
    sigset_t sa_mask;
    int sa_flags;
    void (*sa_restorer)(void);
};
#define sa_handler __sa_handler.sa_handler
#define sa_sigaction __sa_handler.sa_sigaction
#ifndef SA_RESTART
#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#endif
int sigaction(int, const struct sigaction *__restrict, struct sigaction *__restrict);
/* WASI's sigset_t is a byte: a set of the first 8 signals, as wide as it is. */
#define __SIEVE_SIGBITS (8 * sizeof(sigset_t))
static inline int sigemptyset(sigset_t *s) { *s = 0; return 0; }
static inline int sigfillset(sigset_t *s) { *s = (sigset_t)~0ULL; return 0; }
static inline int sigaddset(sigset_t *s, int n) {
    if (n >= 1 && (unsigned)n <= __SIEVE_SIGBITS) *s |= (sigset_t)(1ULL << (n - 1));
    return 0;
}
static inline int sigdelset(sigset_t *s, int n) {
    if (n >= 1 && (unsigned)n <= __SIEVE_SIGBITS) *s &= (sigset_t)~(1ULL << (n - 1));
    return 0;
}
static inline int sigismember(const sigset_t *s, int n) {
    return n >= 1 && (unsigned)n <= __SIEVE_SIGBITS && ((*s >> (n - 1)) & 1);
}
#ifdef __cplusplus
}
#endif
#endif
