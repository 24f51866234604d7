/* Input validator for Pair Sums, group 1 (n <= 2000, M <= 10^6): the input on stdin; exits 42
   when valid and 43 otherwise (the Kattis protocol). */
#include <stdio.h>
#include <ctype.h>

int main(void) {
    long long n, x, m;
    unsigned long long s;
    char tail;
    if (scanf("%lld %lld %lld %llu", &n, &x, &m, &s) != 4) return 43;
    while (scanf("%c", &tail) == 1)
        if (!isspace((unsigned char)tail)) return 43;
    if (n < 1 || n > 2000) return 43;
    if (m < 1 || m > 1000000) return 43;
    if (x < -3000000000LL || x > 3000000000LL) return 43;
    return 42;
}
