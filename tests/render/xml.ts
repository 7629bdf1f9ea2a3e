/**
 * A small XML well-formedness checker (no dependency): tags balance and nest, attributes are
 * quoted and unique, entity references are valid, one root element. Returns the element tree.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const NAME = /[A-Za-z_:][-A-Za-z0-9._:]*/y;
const ENTITY = /&(?:[A-Za-z_][-A-Za-z0-9._]*|#[0-9]+|#x[0-9A-Fa-f]+);/y;

export function parseXml(text: string): XmlElement {
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (msg: string): never => {
    throw new Error(`XML not well-formed at offset ${pos}: ${msg}`);
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(text);
    if (!m) fail('expected a name');
    pos += m![0].length;
    return m![0];
  };
  const ws = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const checkText = (s: string, at: number) => {
    for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) {
      ENTITY.lastIndex = i;
      if (!ENTITY.exec(s)) {
        pos = at + i;
        fail('bad entity reference');
      }
    }
    if (s.includes('<')) fail("'<' in text or attribute");
  };
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const chunk = lt < 0 ? text.slice(pos) : text.slice(pos, lt);
    checkText(chunk, pos);
    if (chunk.trim() !== '' && stack.length === 0) fail('text outside the root element');
    if (lt < 0) break;
    pos = lt;
    if (text.startsWith('<?', pos)) {
      const end = text.indexOf('?>', pos);
      if (end < 0) fail('unterminated processing instruction');
      pos = end + 2;
    } else if (text.startsWith('<!--', pos)) {
      const end = text.indexOf('-->', pos);
      if (end < 0) fail('unterminated comment');
      pos = end + 3;
    } else if (text.startsWith('<![CDATA[', pos)) {
      const end = text.indexOf(']]>', pos);
      if (end < 0) fail('unterminated CDATA');
      pos = end + 3;
    } else if (text.startsWith('</', pos)) {
      pos += 2;
      const n = name();
      ws();
      if (text[pos] !== '>') fail("expected '>'");
      pos++;
      const open = stack.pop();
      if (!open || open.name !== n) fail(`</${n}> does not close <${open?.name ?? '(nothing)'}>`);
    } else {
      pos++;
      const el: XmlElement = { name: name(), attrs: {}, children: [] };
      for (;;) {
        const before = pos;
        ws();
        if (text.startsWith('/>', pos) || text[pos] === '>') break;
        if (pos === before) fail('expected whitespace before an attribute');
        const a = name();
        ws();
        if (text[pos] !== '=') fail("expected '='");
        pos++;
        ws();
        const q = text[pos];
        if (q !== '"' && q !== "'") fail('attribute value not quoted');
        const end = text.indexOf(q!, pos + 1);
        if (end < 0) fail('unterminated attribute value');
        const value = text.slice(pos + 1, end);
        checkText(value, pos + 1);
        if (a in el.attrs) fail(`duplicate attribute ${a}`);
        el.attrs[a] = value;
        pos = end + 1;
      }
      const parent = stack.at(-1);
      if (parent) parent.children.push(el);
      else if (root) fail('a second root element');
      else root = el;
      if (text.startsWith('/>', pos)) pos += 2;
      else {
        pos++;
        stack.push(el);
      }
    }
  }
  if (stack.length) fail(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) fail('no root element');
  return root!;
}

/** Every element of the tree, depth first. */
export function walk(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(walk)];
}
