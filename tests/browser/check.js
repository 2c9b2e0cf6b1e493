// Runs in the page once it has loaded; returns what the browser tests check, measured in CSS
// pixels as the reader sees them.
(() => {
  const describe = (el, i) => {
    const r = el.getBoundingClientRect();
    let s = '#' + i + ' <' + el.localName;
    if (el.id) s += ' id="' + el.id + '"';
    const c = el.getAttribute('class');
    if (c) s += ' class="' + c + '"';
    const t = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
    return s + '> ' + r.width + 'x' + r.height + (t ? ' "' + t + '"' : '');
  };
  const zero = el => { const r = el.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); };
  const templates = 'defs,symbol,clipPath,mask,pattern,marker';
  const svgs = [...document.querySelectorAll('svg')]
    .filter(s => !(s.parentElement && s.parentElement.closest(templates)));
  const outer = svgs.filter(s => !(s.parentElement && s.parentElement.closest('svg')));
  const maths = [...document.querySelectorAll('math')];
  const zeros = list => list.map((el, i) => [el, i]).filter(([el]) => zero(el)).map(([el, i]) => describe(el, i));

  // The smallest text of any figure: its font size times the scale its SVG is drawn at.
  let minText = null, minTextAt = '';
  for (const text of document.querySelectorAll('svg text')) {
    const words = (text.textContent || '').trim();
    if (!words || text.closest(templates)) continue;
    const m = text.getScreenCTM();
    if (!m) continue;
    const px = parseFloat(getComputedStyle(text).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    if (minText === null || px < minText) {
      const svg = text.closest('svg');
      const title = svg && svg.querySelector('title');
      minText = px;
      minTextAt = (title ? title.textContent : '?') + ' :: ' + words.slice(0, 20);
    }
  }

  // Elements that scroll inside the page: overflow that clips, and content larger than the box.
  // SVG clips its drawing to its viewport by design, so it is not counted.
  const clips = v => v !== 'visible' && v !== 'clip';
  const scrollers = [...document.querySelectorAll('body *')].filter(el => {
    if (el instanceof SVGElement) return false;
    const cs = getComputedStyle(el);
    return (clips(cs.overflowX) && el.scrollWidth > el.clientWidth + 1)
      || (clips(cs.overflowY) && el.scrollHeight > el.clientHeight + 1);
  }).map((el, i) => describe(el, i) + ' scroll ' + el.scrollWidth + 'x' + el.scrollHeight
    + ' client ' + el.clientWidth + 'x' + el.clientHeight);

  // Images that did not load or decode have no natural size.
  const imgs = [...document.images];
  const brokenImgs = imgs.map((el, i) => [el, i])
    .filter(([el]) => !(el.complete && el.naturalWidth > 0 && el.naturalHeight > 0))
    .map(([el, i]) => '#' + i + ' <img alt="' + el.alt + '">');

  const rgb = colour => (colour.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  return {
    location: location.href,
    title: document.title,
    svg_count: svgs.length,
    zero_svgs: zeros(svgs),
    math_count: maths.length,
    zero_maths: zeros(maths),
    not_mathml: maths.filter(m => !(m instanceof MathMLElement)).length,
    min_text_px: minText,
    min_text_at: minTextAt,
    scrollers,
    page_width: document.documentElement.scrollWidth,
    viewport_width: window.innerWidth,
    body_background: rgb(getComputedStyle(document.body).backgroundColor),
    // A layer laid over a figure (aria-hidden) is transparent on purpose: its card is the figure's.
    figure_backgrounds: outer.filter(s => s.getAttribute('aria-hidden') !== 'true')
      .map(s => rgb(getComputedStyle(s).backgroundColor)),
    img_count: imgs.length,
    broken_imgs: brokenImgs,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href)
      .filter(h => !h.startsWith('data:') && !h.includes('#')),
  };
})()
