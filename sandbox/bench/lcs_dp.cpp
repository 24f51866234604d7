// Longest common subsequence of two pseudo-random strings of length n: n*n DP states (1e8 for
// n = 10^4) over two rolling rows.
#include <bits/stdc++.h>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::string a(n, 'a'), b(n, 'a');
    unsigned x = 12345;
    for (int i = 0; i < n; ++i) { x = x * 1103515245u + 12345u; a[i] = 'a' + (x >> 16) % 4; }
    for (int i = 0; i < n; ++i) { x = x * 1103515245u + 12345u; b[i] = 'a' + (x >> 16) % 4; }
    std::vector<int> prev(n + 1, 0), cur(n + 1, 0);
    for (int i = 1; i <= n; ++i) {
        for (int j = 1; j <= n; ++j)
            cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
        std::swap(prev, cur);
    }
    printf("%d\n", prev[n]);
}
