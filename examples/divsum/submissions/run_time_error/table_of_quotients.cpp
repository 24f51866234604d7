// Divisor Sums -- RE on group 3 (50 points): stores all n quotients in a vector<long long> first.
// n = 1e7 => 80 MB (fine under 256 MB); group 3 needs up to 8 TB => bad_alloc / length_error => abort.
// (wasm32: size_t is 32-bit and the requested size exceeds max_size() => abort as well.)
#include <cstdio>
#include <vector>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    std::vector<long long> q;
    q.resize((size_t)(n + 1) == (unsigned long long)(n + 1) ? (size_t)(n + 1) : (size_t)-1);
    for (long long i = 1; i <= n; ++i) q[i] = n / i;
    long long total = 0;
    for (long long i = 1; i <= n; ++i) total += q[i];
    printf("%lld\n", total);
    return 0;
}
