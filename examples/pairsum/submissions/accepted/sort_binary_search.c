/* Pair Sums -- correct, C17: qsort, then for each i a binary search for the last j with a_i + a_j <= X. */
#include <stdio.h>
#include <stdlib.h>
static long long a[200000];
static int cmp(const void* p, const void* q) {
    long long x = *(const long long*)p, y = *(const long long*)q;
    return (x > y) - (x < y);
}
int main(void) {
    long long n, X, M;
    unsigned long long s;
    if (scanf("%lld %lld %lld %llu", &n, &X, &M, &s) != 4) return 1;
    for (long long k = 0; k < n; ++k) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        a[k] = (long long)((s >> 33) % (unsigned long long)(2 * M + 1)) - M;
    }
    qsort(a, (size_t)n, sizeof a[0], cmp);
    long long cnt = 0;
    for (long long i = 0; i < n; ++i) {
        long long lo = i, hi = n - 1;  /* largest j in (i, n) with a[i]+a[j] <= X, or i if none */
        while (lo < hi) {
            long long mid = lo + (hi - lo + 1) / 2;
            if (a[i] + a[mid] <= X) lo = mid;
            else hi = mid - 1;
        }
        cnt += lo - i;
    }
    printf("%lld\n", cnt);
    return 0;
}
