// Preloaded (node --require) into the PostGraphile 5 peer of `npm run bench`. PostGraphile 5 declares Node >= 22; on
// Node 20 the only missing API its query path uses is Promise.withResolvers (ES2024, Node 22). See docs/adr/0008.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
