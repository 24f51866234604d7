// Pair Sums -- reference solution: generate, sort, two pointers. O(n log n), 64-bit everywhere.
#include <bits/stdc++.h>
using namespace std;
int main() {
    long long n, X, M;
    unsigned long long s;
    if (!(cin >> n >> X >> M >> s)) return 1;
    vector<long long> a(n);
    for (auto& v : a) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        v = (long long)((s >> 33) % (unsigned long long)(2 * M + 1)) - M;
    }
    sort(a.begin(), a.end());
    long long cnt = 0;
    for (long long i = 0, j = n - 1; i < j;) {
        if (a[i] + a[j] <= X) { cnt += j - i; ++i; }
        else --j;
    }
    cout << cnt << "\n";
}
