// Pair Sums -- WA on group 3 (50 points): reads X into an int. When |X| > 2^31 - 1 (group 3),
// operator>> fails: X is clamped to INT_MAX/INT_MIN, failbit stays set, so M and S are never read
// (left 0) and the sequence is all zeros. Well defined in C++11 and later (libstdc++ and libc++ alike).
#include <bits/stdc++.h>
using namespace std;
int main() {
    long long n = 0, M = 0;
    int X = 0;
    unsigned long long s = 0;
    cin >> n >> X >> M >> s;
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
