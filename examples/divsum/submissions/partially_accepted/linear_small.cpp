// Divisor Sums -- subtasks 1+2 (50 points): direct O(n) sum for n <= 1e7; for larger n it prints 0
// (author knew it would be too slow) => WA on group 3.
#include <cstdio>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    if (n > 10000000) { printf("0\n"); return 0; }
    long long total = 0;
    for (long long i = 1; i <= n; ++i) total += n / i;
    printf("%lld\n", total);
    return 0;
}
