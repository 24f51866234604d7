// Divisor Sums -- TLE on group 3 (50 points): direct O(n) sum; n = 1e12 needs 1e12 divisions.
#include <cstdio>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    long long total = 0;
    for (long long i = 1; i <= n; ++i) total += n / i;
    printf("%lld\n", total);
    return 0;
}
