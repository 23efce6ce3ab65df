/**
 * Words that carry no topic: dropped from queries and documents so that a
 * question ("how do I …", "…怎么办?") finds the same passages as its keywords.
 */
export const ENGLISH_STOP_WORDS = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can cannot could did do does doing don't down during each else ever every few for from
further get gets getting got had has have having he her here hers him his how however i i'm if in into is isn't
it it's its itself just let like lot lots me might more most much must my myself need needs no nor not now of off
on once one only or other ought our ours out over own please really same she should so some such than that
that's the their theirs them then there these they thing things this those through to too under until up upon us
use used using very via want wants was we were what what's whats when where which while who whom why will with
would you your yours anyone anything something someone tell know think worth good best better find show give
recommend recommended way ways people today`.split(/\s+/),
);

/** Chinese function words and question words, as Intl.Segmenter cuts them. */
export const CHINESE_STOP_WORDS = new Set(
  `的 了 是 在 和 与 及 或 也 都 就 还 很 吗 呢 吧 啊 呀 么 把 被 让 给 对 从 到 向 又 而 但 并 则 即 之 其 这 那 哪 谁 我 你 他 她 它
怎么 怎么办 怎样 怎么样 如何 哪些 哪个 哪里 什么 为什么 为何 是否 能否 能不能 可不可以 可以 应该 应当 需要 想 要 会 能
我们 你们 他们 大家 有 没有 有没有 这个 那个 这些 那些 一个 一些 一下 关于 对于 请问 推荐 一点 办 呢 嘛 呗 了解 知道
值得 比较 还是 或者 以及 因为 所以 如果 但是 然而 而且 并且 不过 其实
很多 非常 不是 比如 比如说 例如 自己 甚至 感觉 出来 还有 最后 虽然 东西 希望 那么 就是 已经 这样 这么 然后 可能 真的
现在 目前 时候 只是 只有 一样 一定 不会 不能 之后 之前 以后 通过 进行 一种 这种 那种 各种 等等 其中 其他 另外 本身
或许 也许 似乎 而是 并不 所谓 一直 越来越 当然 毕竟 确实 总之 得到 做到 看到 来说 而言 方面 之类`.split(/\s+/),
);
