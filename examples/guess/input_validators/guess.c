/* Input validator for Guess the Number (1 <= x <= n <= 10^9, `n x` on one line): the input on
   stdin; exits 42 when valid and 43 otherwise (the Kattis protocol). */
#include <ctype.h>
#include <stdio.h>

int main(void) {
    long long n, x;
    char tail;
    if (scanf("%lld %lld", &n, &x) != 2) return 43;
    while (scanf("%c", &tail) == 1)
        if (!isspace((unsigned char)tail)) return 43;
    if (n < 1 || n > 1000000000LL || x < 1 || x > n) return 43;
    return 42;
}
