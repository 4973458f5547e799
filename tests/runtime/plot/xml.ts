// A small XML well-formedness checker for the plot tests (no regular expressions): one root
// element, balanced and properly nested tags, quoted and unique attributes, entity references
// limited to the five predefined ones and character references, no "<" or bare "&" in text or
// attribute values, comments and processing instructions closed. Returns the problems found.

export interface XmlSummary {
  errors: string[];
  /** Element names in document order. */
  elements: string[];
  /** Text content (entities decoded), in document order. */
  texts: string[];
}

const NAME_START = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === ":";
const NAME_CHAR = (c: string) => NAME_START(c) || (c >= "0" && c <= "9") || c === "-" || c === ".";
const SPACE = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function checkXml(doc: string): XmlSummary {
  const errors: string[] = [];
  const elements: string[] = [];
  const texts: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;

  const decode = (raw: string, where: string): string => {
    let out = "";
    for (let k = 0; k < raw.length; k++) {
      const c = raw[k]!;
      if (c === "<") errors.push(`"<" in ${where}`);
      if (c !== "&") {
        out += c;
        continue;
      }
      const end = raw.indexOf(";", k);
      if (end < 0) {
        errors.push(`bare "&" in ${where}`);
        continue;
      }
      const ref = raw.slice(k + 1, end);
      if (ref.startsWith("#x")) out += String.fromCodePoint(parseInt(ref.slice(2), 16));
      else if (ref.startsWith("#")) out += String.fromCodePoint(parseInt(ref.slice(1), 10));
      else if (ref in ENTITIES) out += ENTITIES[ref];
      else errors.push(`unknown entity &${ref}; in ${where}`);
      k = end;
    }
    return out;
  };
  const readName = (): string => {
    const start = i;
    if (!NAME_START(doc[i] ?? "")) return "";
    while (i < doc.length && NAME_CHAR(doc[i]!)) i++;
    return doc.slice(start, i);
  };
  const skipSpace = () => {
    while (SPACE(doc[i])) i++;
  };

  while (i < doc.length) {
    if (doc[i] !== "<") {
      const end = doc.indexOf("<", i);
      const raw = doc.slice(i, end < 0 ? doc.length : end);
      let blank = true;
      for (const c of raw) if (!SPACE(c)) blank = false;
      if (!blank) {
        if (stack.length === 0) errors.push("text outside the root element");
        texts.push(decode(raw, "text"));
      }
      i = end < 0 ? doc.length : end;
      continue;
    }
    if (doc.startsWith("<!--", i)) {
      const end = doc.indexOf("-->", i + 4);
      if (end < 0) errors.push("unclosed comment");
      i = end < 0 ? doc.length : end + 3;
      continue;
    }
    if (doc.startsWith("<?", i)) {
      const end = doc.indexOf("?>", i + 2);
      if (end < 0) errors.push("unclosed processing instruction");
      i = end < 0 ? doc.length : end + 2;
      continue;
    }
    if (doc.startsWith("</", i)) {
      i += 2;
      const name = readName();
      skipSpace();
      if (doc[i] !== ">") errors.push(`malformed end tag </${name}`);
      i++;
      const open = stack.pop();
      if (open !== name) errors.push(`</${name}> closes <${open ?? "nothing"}>`);
      continue;
    }
    i++;
    const name = readName();
    if (name === "") {
      errors.push(`"<" not starting a tag at ${i - 1}`);
      continue;
    }
    if (stack.length === 0) roots++;
    elements.push(name);
    const attrs = new Set<string>();
    for (;;) {
      const hadSpace = SPACE(doc[i]);
      skipSpace();
      if (doc[i] === ">") {
        i++;
        stack.push(name);
        break;
      }
      if (doc.startsWith("/>", i)) {
        i += 2;
        break;
      }
      if (i >= doc.length) {
        errors.push(`unclosed tag <${name}`);
        break;
      }
      if (!hadSpace) errors.push(`attributes of <${name}> not separated by space`);
      const attr = readName();
      if (attr === "") {
        errors.push(`bad attribute in <${name}> at ${i}`);
        i++;
        continue;
      }
      if (attrs.has(attr)) errors.push(`duplicate attribute ${attr} in <${name}>`);
      attrs.add(attr);
      skipSpace();
      if (doc[i] !== "=") {
        errors.push(`attribute ${attr} of <${name}> has no value`);
        continue;
      }
      i++;
      skipSpace();
      const quote = doc[i];
      if (quote !== '"' && quote !== "'") {
        errors.push(`attribute ${attr} of <${name}> is not quoted`);
        continue;
      }
      const end = doc.indexOf(quote, i + 1);
      if (end < 0) {
        errors.push(`unclosed attribute ${attr} of <${name}>`);
        i = doc.length;
        continue;
      }
      decode(doc.slice(i + 1, end), `attribute ${attr} of <${name}>`);
      i = end + 1;
    }
  }
  if (stack.length) errors.push(`unclosed elements: ${stack.join(" > ")}`);
  if (roots !== 1) errors.push(`${roots} root elements`);
  return { errors, elements, texts };
}
