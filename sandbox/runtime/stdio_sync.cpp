// sieve: keeps C stdio and C++ streams reading stdin in step, as they are with g++.
//
// While cin is synchronised with stdio, runtime/fastio.cpp lets it read straight out of stdin's
// FILE buffer and tells stdio how much it used only when it needs more (a window; that makes
// plain cin as fast as g++'s). Every C function that reads or moves stdin is wrapped at link
// time (-Wl,--wrap=<name>, the list is in crates/sandbox/src/toolchain.rs) so that it first hands
// stdio what cin has used. The hook is set only while cin has a window open: otherwise, and in
// programs without iostreams, a wrapper costs one test of a null pointer.
#include <cstdarg>
#include <cstdio>
#include <cwchar>
#include <sys/types.h>

extern "C" {

// Set by runtime/fastio.cpp while cin reads through a window on stdin's buffer.
void (*__sieve_stdin_commit)(void) = nullptr;

static inline void commit(FILE* f) {
    if (__sieve_stdin_commit && (f == stdin || f == nullptr)) __sieve_stdin_commit();
}

#define SIEVE_WRAP(ret, name, params, file, args) \
    ret __real_##name params;                      \
    ret __wrap_##name params {                     \
        commit(file);                              \
        return __real_##name args;                 \
    }

SIEVE_WRAP(int, getc, (FILE* f), f, (f))
SIEVE_WRAP(int, _IO_getc, (FILE* f), f, (f))
SIEVE_WRAP(int, fgetc, (FILE* f), f, (f))
SIEVE_WRAP(int, getc_unlocked, (FILE* f), f, (f))
SIEVE_WRAP(int, fgetc_unlocked, (FILE* f), f, (f))
SIEVE_WRAP(int, getchar, (void), stdin, ())
SIEVE_WRAP(int, getchar_unlocked, (void), stdin, ())
SIEVE_WRAP(int, getw, (FILE* f), f, (f))
SIEVE_WRAP(int, ungetc, (int c, FILE* f), f, (c, f))
SIEVE_WRAP(char*, fgets, (char* s, int n, FILE* f), f, (s, n, f))
SIEVE_WRAP(char*, fgets_unlocked, (char* s, int n, FILE* f), f, (s, n, f))
SIEVE_WRAP(char*, fgetln, (FILE* f, size_t* n), f, (f, n))
SIEVE_WRAP(size_t, fread, (void* p, size_t s, size_t n, FILE* f), f, (p, s, n, f))
SIEVE_WRAP(size_t, fread_unlocked, (void* p, size_t s, size_t n, FILE* f), f, (p, s, n, f))
SIEVE_WRAP(ssize_t, getline, (char** s, size_t* n, FILE* f), f, (s, n, f))
SIEVE_WRAP(ssize_t, getdelim, (char** s, size_t* n, int d, FILE* f), f, (s, n, d, f))
SIEVE_WRAP(ssize_t, __getdelim, (char** s, size_t* n, int d, FILE* f), f, (s, n, d, f))
SIEVE_WRAP(int, vscanf, (const char* fmt, va_list ap), stdin, (fmt, ap))
SIEVE_WRAP(int, vfscanf, (FILE* f, const char* fmt, va_list ap), f, (f, fmt, ap))
SIEVE_WRAP(int, fseek, (FILE* f, long o, int w), f, (f, o, w))
SIEVE_WRAP(int, fseeko, (FILE* f, off_t o, int w), f, (f, o, w))
SIEVE_WRAP(long, ftell, (FILE* f), f, (f))
SIEVE_WRAP(off_t, ftello, (FILE* f), f, (f))
SIEVE_WRAP(void, rewind, (FILE* f), f, (f))
SIEVE_WRAP(int, fgetpos, (FILE* f, fpos_t* p), f, (f, p))
SIEVE_WRAP(int, fsetpos, (FILE* f, const fpos_t* p), f, (f, p))
SIEVE_WRAP(FILE*, freopen, (const char* p, const char* m, FILE* f), f, (p, m, f))
SIEVE_WRAP(int, fclose, (FILE* f), f, (f))
SIEVE_WRAP(int, fflush, (FILE* f), f, (f))
SIEVE_WRAP(int, setvbuf, (FILE* f, char* b, int m, size_t n), f, (f, b, m, n))
SIEVE_WRAP(void, setbuf, (FILE* f, char* b), f, (f, b))
SIEVE_WRAP(wint_t, fgetwc, (FILE* f), f, (f))
SIEVE_WRAP(wint_t, getwc, (FILE* f), f, (f))
SIEVE_WRAP(wint_t, getwchar, (void), stdin, ())
SIEVE_WRAP(wchar_t*, fgetws, (wchar_t* s, int n, FILE* f), f, (s, n, f))
SIEVE_WRAP(wint_t, ungetwc, (wint_t c, FILE* f), f, (c, f))
SIEVE_WRAP(int, vwscanf, (const wchar_t* fmt, va_list ap), stdin, (fmt, ap))
SIEVE_WRAP(int, vfwscanf, (FILE* f, const wchar_t* fmt, va_list ap), f, (f, fmt, ap))

// The variadic ones forward to the wrapped v-functions.
int __wrap_scanf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vfscanf(stdin, fmt, ap);
    va_end(ap);
    return r;
}
int __wrap_fscanf(FILE* f, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vfscanf(f, fmt, ap);
    va_end(ap);
    return r;
}
int __wrap_wscanf(const wchar_t* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vfwscanf(stdin, fmt, ap);
    va_end(ap);
    return r;
}
int __wrap_fwscanf(FILE* f, const wchar_t* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vfwscanf(f, fmt, ap);
    va_end(ap);
    return r;
}
}
