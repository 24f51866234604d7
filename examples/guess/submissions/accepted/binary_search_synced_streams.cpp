// Binary search with cin and cout still synchronised with stdio (no sync_with_stdio(false)):
// the first number by scanf, the replies by cin, guesses by cout with endl. cin must hand back
// each reply as soon as it comes, never waiting for more input than the interactor has sent.
#include <bits/stdc++.h>
using namespace std;

int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    long long lo = 1, hi = n;
    string reply;
    while (true) {
        long long mid = (lo + hi) / 2;
        cout << mid << endl;
        if (!(cin >> reply) || reply == "correct") break;
        if (reply == "higher") lo = mid + 1;
        else hi = mid - 1;
    }
}
