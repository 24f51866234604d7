/* sieve: glibc's behaviour where contest programs see it, for every C and C++ program: qsort,
 * rand/srand/random/srandom, and the stack protector symbols the compiler's own runtime needs.
 * Linked before libc, these replace musl's.
 *
 * wasi-libc's qsort is musl's smoothsort: correct, but about 4x slower than glibc's on the
 * qsort-then-scan programs contest C is full of (a reference solution of examples/pairsum:
 * 0.095 s in sieve against 0.02 s natively), and it orders equal elements differently. glibc
 * sorts with a merge sort into a temporary buffer, which keeps equal elements in their input
 * order; programs written against glibc (wrongly) rely on that. This is a merge sort too: stable,
 * O(n log n), insertion sort below 16 elements; it falls back to an in-place heap sort when the
 * buffer cannot be allocated (as glibc falls back to quicksort). Linked before libc, it replaces
 * musl's qsort. */
#include <stdlib.h>
#include <string.h>

typedef int (*cmp_fn)(const void *, const void *);

static void swap_bytes(char *a, char *b, size_t size) {
    while (size--) {
        char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

static void insertion(char *base, size_t n, size_t size, cmp_fn cmp, char *tmp) {
    for (size_t i = 1; i < n; ++i) {
        char *x = base + i * size;
        size_t j = i;
        if (cmp(x - size, x) <= 0) continue;
        memcpy(tmp, x, size);
        while (j > 0 && cmp(base + (j - 1) * size, tmp) > 0) {
            memcpy(base + j * size, base + (j - 1) * size, size);
            --j;
        }
        memcpy(base + j * size, tmp, size);
    }
}

/* Sorts base[0..n) using buf (n elements) as scratch. */
static void merge_sort(char *base, size_t n, size_t size, cmp_fn cmp, char *buf, char *tmp) {
    if (n < 16) {
        insertion(base, n, size, cmp, tmp);
        return;
    }
    size_t half = n / 2;
    char *mid = base + half * size, *end = base + n * size;
    merge_sort(base, half, size, cmp, buf, tmp);
    merge_sort(mid, n - half, size, cmp, buf, tmp);
    if (cmp(mid - size, mid) <= 0) return; /* already in order */
    memcpy(buf, base, half * size);
    char *l = buf, *lend = buf + half * size, *r = mid, *out = base;
    while (l < lend && r < end) {
        if (cmp(r, l) < 0) {
            memcpy(out, r, size);
            r += size;
        } else {
            memcpy(out, l, size);
            l += size;
        }
        out += size;
    }
    memcpy(out, l, (size_t)(lend - l));
}

static void sift_down(char *base, size_t root, size_t n, size_t size, cmp_fn cmp) {
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0) ++child;
        if (cmp(base + root * size, base + child * size) >= 0) return;
        swap_bytes(base + root * size, base + child * size, size);
        root = child;
    }
}

static void heap_sort(char *base, size_t n, size_t size, cmp_fn cmp) {
    for (size_t i = n / 2; i-- > 0;) sift_down(base, i, n, size, cmp);
    for (size_t i = n; i-- > 1;) {
        swap_bytes(base, base + i * size, size);
        sift_down(base, 0, i, size, cmp);
    }
}

/* Weak, as glibc's are to a program linking statically: a program (testlib defines rand and
 * srand) may define its own. */
__attribute__((weak)) void qsort(void *base, size_t n, size_t size, cmp_fn cmp) {
    if (n < 2 || size == 0) return;
    char small[256];
    char *tmp = size <= sizeof small ? small : malloc(size);
    char *buf = n / 2 <= ((size_t)-1) / size ? malloc((n / 2) * size) : NULL;
    if (buf && tmp) merge_sort(base, n, size, cmp, buf, tmp);
    else heap_sort(base, n, size, cmp);
    free(buf);
    if (tmp != small) free(tmp);
}

/* rand() and random() as glibc computes them (its TYPE_3 additive feedback generator, seeded by
 * a Lehmer generator, 310 outputs discarded), so that programs seeding with srand(k) — shuffles,
 * treaps, randomised constructions — make the choices they make with g++. musl's rand is a
 * different generator. */
static int rand_r_[34];
static int rand_f_, rand_b_, rand_seeded_;

__attribute__((weak)) void srandom(unsigned seed) {
    int word = (int)(seed == 0 ? 1 : seed);
    rand_r_[0] = word;
    for (int i = 1; i < 31; ++i) {
        /* 16807 * word mod (2^31 - 1), by Schrage's method, as glibc does it. */
        long hi = word / 127773, lo = word % 127773;
        word = (int)(16807 * lo - 2836 * hi);
        if (word < 0) word += 2147483647;
        rand_r_[i] = word;
    }
    rand_f_ = 3;
    rand_b_ = 0;
    rand_seeded_ = 1;
    for (int i = 0; i < 310; ++i) (void)random();
}

__attribute__((weak)) long random(void) {
    if (!rand_seeded_) srandom(1);
    unsigned v = (unsigned)rand_r_[rand_f_] + (unsigned)rand_r_[rand_b_];
    rand_r_[rand_f_] = (int)v;
    if (++rand_f_ == 31) rand_f_ = 0;
    if (++rand_b_ == 31) rand_b_ = 0;
    return (long)(v >> 1);
}

__attribute__((weak)) void srand(unsigned seed) { srandom(seed); }
__attribute__((weak)) int rand(void) { return (int)random(); }

/* Debian's compiler-rt builtins for wasm32 (the 128-bit division of __int128) were built with
 * the stack protector; wasi-libc does not define its symbols, so any program dividing __int128
 * by a variable failed to link. */
unsigned long __stack_chk_guard = 0x5e7e5eedUL;
void __stack_chk_fail(void) { abort(); }

/* sigaction() through wasi-libc's emulated signal(): see sandbox/include/signal.h. */
#include <signal.h>

__attribute__((weak)) int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old) {
    void (*previous)(int) = SIG_DFL;
    if (act) previous = signal(sig, act->sa_handler);
    if (old) {
        memset(old, 0, sizeof *old);
        old->sa_handler = previous == SIG_ERR ? SIG_DFL : previous;
    }
    return 0;
}
