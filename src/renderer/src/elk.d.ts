declare module 'elkjs/lib/elk.bundled.js' { import ELK from 'elkjs'; export default ELK; }
