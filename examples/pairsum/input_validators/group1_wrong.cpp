// A wrong input validator for group 1, as a model might write one: it misreads the limit as
// n <= 1000 and so rejects valid inputs. sieve's 75% rule keeps it from deciding alone only
// when there are enough other validators (with three, all must agree).
#include <cstdio>

int main() {
    long long n, x, m;
    unsigned long long s;
    if (scanf("%lld %lld %lld %llu", &n, &x, &m, &s) != 4) return 1;
    return (1 <= n && n <= 1000 && 1 <= m && m <= 1000000) ? 0 : 1;
}
