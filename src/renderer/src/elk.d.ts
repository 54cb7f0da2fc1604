declare module 'elkjs/lib/elk.bundled.js' {
  import ELK from 'elkjs';
  export default ELK;
}
declare module 'elkjs/lib/elk-worker.min.js?url' {
  const url: string;
  export default url;
}
