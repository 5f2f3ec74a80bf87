# ruff: noqa: E501 (page markup and story text are data: long lines as written)
"""Write the extraction corpus: each story in the page shapes of common news CMSs.

Run `python -m tests.workers.text.corpus.make_corpus` to rewrite `pages/` (the pages are
checked in; this is how they were made). Each page `NN-layout-slug.html` has a gold
body `NN-layout-slug.gold.txt`: one line per paragraph, subheading, list item or quoted
passage of the story, in order. The headline, byline and date are not in the gold body
(they are the page's metadata, read separately); captions, pull quotes, related
stories, advertisements, sign-up forms, share bars, comments, author bios and tags are
the page around the story.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Final

from tests.workers.text.corpus.stories import LIVEBLOGS, STORIES, LiveBlog, Story

PAGES: Final = Path(__file__).with_name("pages")

# ------------------------------------------------------------------ furniture pieces


def site_name(rng: random.Random) -> str:
    return rng.choice(
        ["The Daily Ledger", "Harbor Herald", "Valley Courier", "Metro Post", "The Sentinel"]
    )


def head(
    story_title: str, site: str, author: str, date: str, extra: str = "", description: str = ""
) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story_title,
        "datePublished": f"{date}T08:00:00Z",
        "author": [{"@type": "Person", "name": author}],
        "publisher": {"@type": "Organization", "name": site},
    }
    return f"""<head>
<meta charset="utf-8">
<title>{escape(story_title)} | {escape(site)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{escape(story_title)}">
{f'<meta name="description" content="{escape(description)}">' if description else ""}
<meta property="og:type" content="article">
<meta property="article:published_time" content="{date}T08:00:00Z">
<meta name="author" content="{escape(author)}">
<link rel="stylesheet" href="/static/site.css">
<script type="application/ld+json">{json.dumps(ld)}</script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
{extra}
</head>"""


def nav(site: str, rng: random.Random) -> str:
    sections = ["News", "Local", "Business", "Sports", "Opinion", "Arts", "Weather", "Obituaries"]
    rng.shuffle(sections)
    items = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in sections[:6])
    return f"""<header class="site-header">
<a class="skip-link" href="#content">Skip to content</a>
<div class="masthead"><a href="/" class="logo">{escape(site)}</a>
<a class="btn-subscribe" href="/subscribe">Subscribe</a> <a href="/login">Sign in</a></div>
<nav class="primary-nav"><ul>{items}</ul></nav>
<form class="search" action="/search"><input type="search" name="q" placeholder="Search"><button>Search</button></form>
</header>"""


def cookie_banner(rng: random.Random) -> str:
    return rng.choice(
        [
            """<div id="cookie-consent" class="cookie-banner" role="dialog"><p>We use cookies and similar technologies to personalise content and ads, to provide social media features and to analyse our traffic. By clicking "Accept all" you agree to the storing of cookies on your device.</p><button>Accept all</button><button>Manage preferences</button></div>""",
            """<div class="gdpr-notice"><p>This site uses cookies. Read our <a href="/privacy">privacy policy</a> to learn more.</p><a href="#" class="accept">OK</a></div>""",
        ]
    )


def footer(site: str) -> str:
    return f"""<footer class="site-footer">
<div class="footer-newsletter"><h4>Get the morning briefing</h4><p>Sign up for our free newsletter and start your day informed.</p>
<form><label>Email address</label><input type="email"><button>Sign up</button></form></div>
<ul class="footer-links"><li><a href="/about">About us</a></li><li><a href="/contact">Contact us</a></li><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of service</a></li><li><a href="/advertise">Advertise</a></li></ul>
<p class="copyright">© 2024 {escape(site)}. All rights reserved.</p>
</footer>"""


def most_read(related: list[str], rng: random.Random) -> str:
    extra = [
        "Lighthouse keeper retires after 40 years",
        "Police search for driver after crash on Route 9",
        "New bakery opens on Front Street",
        "High school band heads to national finals",
    ]
    items = related + rng.sample(extra, 2)
    lis = "".join(f'<li><a href="/story/{i}">{escape(h)}</a></li>' for i, h in enumerate(items))
    return f'<aside class="sidebar"><h3>Most read</h3><ol>{lis}</ol></aside>'


def related_rail(related: list[str], label: str = "Related stories") -> str:
    lis = "".join(
        f'<li><a href="/news/{i}"><img src="/t/{i}.jpg" alt=""><span>{escape(h)}</span></a></li>'
        for i, h in enumerate(related)
    )
    return f'<aside class="related-rail"><h3>{label}</h3><ul>{lis}</ul></aside>'


def figure(caption: str, credit: str) -> str:
    return f"""<figure class="photo"><img src="/img/lead.jpg" alt="{escape(caption)}" width="1200" height="800">
<figcaption>{escape(caption)} <span class="credit">{escape(credit)}</span></figcaption></figure>"""


def share_bar() -> str:
    return """<div class="share-tools"><span>Share this article</span><a href="#">Facebook</a><a href="#">X</a><a href="#">LinkedIn</a><a href="#">Email</a><a href="#">Copy link</a></div>"""


def newsletter_inline(site: str) -> str:
    return f"""<div class="newsletter-signup"><p><strong>Sign up for the {escape(site)} morning newsletter</strong></p><p>The day's top stories, delivered to your inbox every weekday.</p><form><input type="email" placeholder="Enter your email address"><button>Sign up</button></form><p class="fine-print">* indicates required</p></div>"""


def author_bio(author: str, site: str) -> str:
    first = author.split()[0]
    return f"""<div class="author-bio"><img src="/a.jpg" alt=""><p>{escape(author)} is a reporter at {escape(site)}. {escape(first)} can be reached at {escape(first.lower())}@example.com.</p></div>"""


def tags(story: Story) -> str:
    words = [story.section, "City Council", "Newsletter"]
    return (
        '<div class="tags"><span>Topics:</span>'
        + "".join(f'<a href="/tag/{w}">{w}</a>' for w in words)
        + "</div>"
    )


def comments_block(rng: random.Random) -> str:
    people = rng.sample(
        ["jdoe42", "Marcia P.", "harborwatcher", "Tom from Eastside", "realist99"], 3
    )
    texts = [
        "Finally. This should have happened years ago.",
        "Who is going to pay for all of this? Not the people who voted for it, I bet.",
        "Great reporting, thanks for covering this.",
    ]
    items = "".join(
        f'<li class="comment"><div class="comment-author">{p}</div><div class="comment-body"><p>{t}</p></div><a class="reply">Reply</a></li>'
        for p, t in zip(people, texts, strict=True)
    )
    return f'<section id="comments" class="comments-area"><h2 class="comments-title">3 comments</h2><ol class="comment-list">{items}</ol><div id="respond"><h3>Leave a Reply</h3><form><textarea></textarea><button>Post Comment</button></form></div></section>'


def body_html(story: Story, p: str = "<p>{}</p>", h2: str = "<h2>{}</h2>") -> list[str]:
    """The story's body as a list of HTML blocks (list items grouped into one list)."""
    out: list[str] = []
    items: list[str] = []
    for kind, text in story.body:
        if kind != "li" and items:
            out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
            items = []
        if kind == "p":
            out.append(p.format(escape(text)))
        elif kind == "h2":
            out.append(h2.format(escape(text)))
        elif kind == "li":
            items.append(text)
        elif kind == "quote":
            out.append(f"<blockquote><p>{escape(text)}</p></blockquote>")
    if items:
        out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
    return out


def insert_every(
    blocks: list[str], piece: Callable[[int], str], every: int, start: int = 2
) -> list[str]:
    out: list[str] = []
    for i, block in enumerate(blocks):
        out.append(block)
        if i + 1 >= start and (i + 1 - start) % every == 0 and i + 1 < len(blocks):
            out.append(piece(i))
    return out


def pull_quote(story: Story) -> str:
    quoted = next((t for k, t in story.body if k == "p" and t.startswith('"')), story.body[1][1])
    sentence = quoted.split('," ')[0].strip('"') + "."
    return f'<aside class="pullquote"><blockquote><p>“{escape(sentence)}”</p></blockquote></aside>'


def credit(rng: random.Random) -> str:
    return rng.choice(
        [
            "(Photo: Jane Park / Staff)",
            "Getty Images",
            "AP Photo/Sam Lin",
            "Photograph: Ruth Kim for the Ledger",
            "Credit: City handout",
        ]
    )


def byline_date(story: Story) -> str:
    return f'<div class="byline">By <a href="/author/{story.author.lower().replace(" ", "-")}">{escape(story.author)}</a></div><time datetime="{story.date}">{story.date}</time>'


def page(head_html: str, body: str, lang: str = "en") -> str:
    return f'<!DOCTYPE html>\n<html lang="{lang}">\n{head_html}\n<body>\n{body}\n</body>\n</html>\n'


# ------------------------------------------------------------------ layouts


def wordpress(story: Story, rng: random.Random) -> str:
    site = site_name(rng)
    blocks = body_html(story, p="<p>{}</p>", h2='<h2 class="wp-block-heading">{}</h2>')
    blocks.insert(
        1,
        f'<figure class="wp-block-image size-large"><img src="/wp-content/uploads/lead.jpg" alt=""><figcaption class="wp-element-caption">{escape(story.caption)} {credit(rng)}</figcaption></figure>',
    )
    if rng.random() < 0.6:
        blocks.insert(
            4,
            f'<p><strong>Read more:</strong> <a href="/related">{escape(story.related[0])}</a></p>',
        )
    jetpack = "".join(
        f'<div class="jp-relatedposts-post"><h4><a href="#">{escape(h)}</a></h4><p>In "{story.section}"</p></div>'
        for h in story.related
    )
    return page(
        head(
            story.title,
            site,
            story.author,
            story.date,
            '<link rel="stylesheet" href="/wp-includes/css/dist/block-library/style.min.css">',
            description=story.body[0][1],  # no excerpt set: the first paragraph
        ),
        f"""<div id="page" class="site">{nav(site, rng)}
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-1234" class="post-1234 post type-post status-publish">
<header class="entry-header"><span class="cat-links"><a href="/category/{story.section.lower()}">{story.section}</a></span><h1 class="entry-title">{escape(story.title)}</h1>
<div class="entry-meta"><span class="byline">by <span class="author vcard"><a class="url fn n" href="/author/x">{escape(story.author)}</a></span></span> <span class="posted-on"><time class="entry-date published" datetime="{story.date}">{story.date}</time></span></div></header>
<div class="entry-content">
{chr(10).join(blocks)}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a class="share-twitter">Twitter</a></li><li><a class="share-facebook">Facebook</a></li><li><a class="share-print">Print</a></li></ul></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>{jetpack}</div>
</div>
<footer class="entry-footer">{tags(story)}</footer>
</article>
{comments_block(rng) if rng.random() < 0.7 else ""}
</main></div>
<aside id="secondary" class="widget-area">{most_read(story.related, rng)}<section class="widget widget_text"><h2 class="widget-title">About</h2><div class="textwidget"><p>{escape(site)} is an independent newsroom covering the region since 1998.</p></div></section></aside>
</div>{footer(site)}</div>""",
    )


def arc(story: Story, rng: random.Random) -> str:
    site = site_name(rng)
    paras = body_html(
        story,
        p='<div class="article-body-wrapper"><p class="font--body font-copy gray-darkest" data-el="text">{}</p></div>',
        h2='<h2 class="font--subhead">{}</h2>',
    )

    def ad(i: int) -> str:
        return rng.choice(
            [
                '<div class="ad-container"><div class="ad-label">Story continues below advertisement</div><div id="slot-mid-{0}" class="arcad"></div></div>',
                '<div class="teaserAd"><span>Advertisement</span><div id="ad-{0}"></div></div>',
            ]
        ).format(i)

    paras = insert_every(paras, ad, 3)
    fusion = json.dumps({"globalContent": {"headlines": {"basic": story.title}, "type": "story"}})
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""<div id="fusion-app">{nav(site, rng)}
{cookie_banner(rng) if rng.random() < 0.5 else ""}
<main><article class="article">
<div class="headline-wrapper"><div class="kicker">{story.section}</div><h1 data-qa="headline">{escape(story.title)}</h1><h2 class="subheadline">{escape(story.dek)}</h2></div>
<div class="byline-wrapper" data-qa="author-byline">By <a href="/people/x">{escape(story.author)}</a> <span data-qa="timestamp">{story.date}</span> <button>Gift Article</button> <button>Share</button> <span>Comment</span></div>
{figure(story.caption, credit(rng))}
<div class="article-body" data-qa="article-body">
{chr(10).join(paras)}
</div>
<div class="interstitial-link"><p>{escape(story.related[-1])}</p></div>
<div class="author-info">{author_bio(story.author, site)}</div>
</article>
{related_rail(story.related, "Most Read " + story.section)}
</main>{footer(site)}</div>
<script id="fusion-metadata">Fusion.globalContent={fusion};</script>""",
    )


def drupal(story: Story, rng: random.Random) -> str:
    site = site_name(rng)
    blocks = body_html(story)
    crumbs = f'<nav class="breadcrumb"><ol><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li>{story.section}</li></ol></nav>'
    return page(
        head(
            story.title,
            site,
            story.author,
            story.date,
            '<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">',
            description=story.dek,
        ),
        f"""<div class="dialog-off-canvas-main-canvas">{nav(site, rng)}{crumbs}
<main role="main"><div class="region region-content">
<article role="article" class="node node--type-article node--view-mode-full">
<h1 class="page-title"><span class="field field--name-title">{escape(story.title)}</span></h1>
<div class="node__meta"><span class="field field--name-uid">{escape(story.author)}</span> <span class="field field--name-created">{story.date}</span></div>
<div class="node__content">
<div class="field field--name-field-image">{figure(story.caption, credit(rng))}</div>
<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field__item">
{chr(10).join(blocks)}
</div>
<div class="field field--name-field-tags"><div class="field__label">Tags</div><div class="field__items"><div class="field__item"><a href="/t/1">{story.section}</a></div><div class="field__item"><a href="/t/2">Region</a></div></div></div>
<ul class="links inline"><li class="node-readmore"><a href="/node/1">Read more<span class="visually-hidden"> about {escape(story.title)}</span></a></li></ul>
</div></article>
<div class="views-element-container block-views-blockrelated-content"><h2>Related content</h2>{related_rail(story.related)}</div>
</div></main>{footer(site)}</div>""",
    )


def ghost(story: Story, rng: random.Random) -> str:
    site = site_name(rng)
    blocks = body_html(story)
    blocks.insert(
        2,
        f'<figure class="kg-card kg-image-card kg-card-hascaption"><img src="/content/images/a.jpg" class="kg-image" alt=""><figcaption>{escape(story.caption)}</figcaption></figure>',
    )
    blocks.insert(
        len(blocks) - 1,
        f'<figure class="kg-card kg-bookmark-card"><a class="kg-bookmark-container" href="/r"><div class="kg-bookmark-content"><div class="kg-bookmark-title">{escape(story.related[0])}</div><div class="kg-bookmark-description">{escape(story.related[-1])} and more from the archive.</div><div class="kg-bookmark-metadata"><span class="kg-bookmark-author">{escape(site)}</span></div></div></a></figure>',
    )
    return page(
        head(
            story.title,
            site,
            story.author,
            story.date,
            '<meta name="generator" content="Ghost 5.8">',
            description=story.dek,
        ),
        f"""<div class="viewport"><header id="gh-head" class="gh-head"><a class="gh-head-logo" href="/">{escape(site)}</a><nav class="gh-head-menu"><ul class="nav"><li><a href="/">Home</a></li><li><a href="/about/">About</a></li><li><a href="/archive/">Archive</a></li></ul></nav><div class="gh-head-actions"><a href="#/portal/signin">Sign in</a><a class="gh-head-button" href="#/portal/signup">Subscribe</a></div></header>
<main id="site-main" class="site-main"><article class="article post">
<header class="article-header gh-canvas"><section class="article-tag post-card-primary-tag"><a href="/tag/x/">{story.section}</a></section><h1 class="article-title">{escape(story.title)}</h1><p class="article-excerpt">{escape(story.dek)}</p>
<div class="article-byline"><div class="article-byline-meta"><h4 class="author-name"><a href="/author/x/">{escape(story.author)}</a></h4><div class="byline-meta-content"><time class="byline-meta-date" datetime="{story.date}">{story.date}</time><span class="byline-reading-time"><span class="bull">•</span> 4 min read</span></div></div></div></header>
<section class="gh-content gh-canvas">
{chr(10).join(blocks)}
</section>
<section class="article-comments gh-canvas"><div class="gh-cta"><h2>Sign up for {escape(site)}</h2><p>Independent reporting on the things that shape our city.</p><a href="#/portal/signup">Subscribe</a></div></section>
</article></main>
<aside class="read-more-wrap outer"><div class="read-more inner"><h2>Read more</h2>{"".join(f'<article class="post-card"><h3 class="post-card-title">{escape(h)}</h3></article>' for h in story.related)}</div></aside>
<footer class="site-footer outer"><div class="inner"><section class="copyright"><a href="/">{escape(site)}</a> © 2024</section><div class="gh-powered-by"><a href="https://ghost.org/">Powered by Ghost</a></div></div></footer></div>""",
    )


def substack(story: Story, rng: random.Random) -> str:
    site = site_name(rng)
    widget = f'<div class="subscription-widget-wrap"><div class="subscription-widget show-subscribe"><div class="preamble"><p class="cta-caption">Thanks for reading {escape(site)}! Subscribe for free to receive new posts and support my work.</p></div><form class="subscription-widget-subscribe"><input type="email" placeholder="Type your email…"><input type="submit" value="Subscribe"></form></div></div>'
    blocks = body_html(story)
    blocks.insert(3, widget)
    blocks.append(
        '<p class="button-wrapper"><a class="button primary" href="/subscribe"><span>Share</span></a></p>'
    )
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""<div id="entry"><div id="main" class="main typography use-theme-bg">
<div class="topbar"><a href="/">{escape(site)}</a><button class="button primary">Subscribe</button><button>Sign in</button></div>
<div class="container"><div class="single-post-container"><article class="typography newsletter-post post">
<div class="post-header"><h1 class="post-title published">{escape(story.title)}</h1><h3 class="subtitle">{escape(story.dek)}</h3>
<div class="post-meta"><div class="profile-hover-card-target"><a href="/profile">{escape(story.author)}</a></div><div class="pencraft">{story.date}</div></div>
<div class="post-ufi"><a class="like-button">12</a><a class="post-ufi-comment-button">4</a><a class="post-ufi-button">Share</a></div></div>
<div class="available-content"><div dir="auto" class="body markup">
{chr(10).join(blocks)}
</div></div>
<div class="subscribe-footer"><p>Subscribe to {escape(site)}</p><p>Launched 2 years ago</p><p>Local news, written by a reporter who lives here.</p><form><input type="email" placeholder="Type your email…"><button>Subscribe</button></form></div>
</article>
<div class="comments-section"><h2>Discussion about this post</h2><div class="comment-body"><p>Thanks for digging into this. The council meeting coverage elsewhere was thin.</p></div><div class="comment-body"><p>Sharing with my neighbors.</p></div></div>
</div></div>
<div class="footer-wrap"><p>© 2024 {escape(story.author)}</p><p><a href="/privacy">Privacy</a> ∙ <a href="/tos">Terms</a> ∙ <a href="/collection-notice">Collection notice</a></p><p>Substack is the home for great culture</p></div></div></div>""",
    )


def amp(story: Story, rng: random.Random) -> str:
    site = site_name(rng)
    blocks = body_html(story)
    blocks = insert_every(
        blocks,
        lambda i: (
            f'<amp-ad width="300" height="250" type="doubleclick" data-slot="/123/amp_{i}"><div fallback>Advertisement</div></amp-ad>'
        ),
        2,
    )
    extra = '<script async src="https://cdn.ampproject.org/v0.js"></script><style amp-boilerplate>body{visibility:hidden}</style><link rel="canonical" href="/news/story">'
    return page(
        head(story.title, site, story.author, story.date, description=story.dek, extra=extra),
        f"""<header class="amp-header"><a href="/">{escape(site)}</a><button on="tap:sidebar.toggle">Menu</button></header>
<amp-sidebar id="sidebar" layout="nodisplay"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sports">Sports</a></li></ul></amp-sidebar>
<main><article>
<h1 class="amp-title">{escape(story.title)}</h1>
<div class="amp-byline">By {escape(story.author)} | {story.date}</div>
<amp-img src="/img/lead.jpg" width="1200" height="800" layout="responsive" alt="{escape(story.caption)}"></amp-img><p class="amp-caption">{escape(story.caption)} {credit(rng)}</p>
<div class="amp-social"><amp-social-share type="facebook"></amp-social-share><amp-social-share type="twitter"></amp-social-share><amp-social-share type="email"></amp-social-share></div>
<div class="article-body">
{chr(10).join(blocks)}
</div>
<div class="amp-related"><h3>More from {escape(site)}</h3><ul>{"".join(f"<li><a href='#'>{escape(h)}</a></li>" for h in story.related)}</ul></div>
</article></main>
<footer><p>© 2024 {escape(site)}</p><a href="/news/story">View full site</a></footer>""",
    )


def related_inline(story: Story, rng: random.Random) -> str:
    """A regional paper: a related-story rail and a pull quote inside the body."""
    site = site_name(rng)
    blocks = body_html(story)
    blocks.insert(
        2, related_rail(story.related, rng.choice(["Related", "More on this story", "Read next"]))
    )
    blocks.insert(5, pull_quote(story))
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""{nav(site, rng)}
<div class="container"><main id="content"><article class="story">
<header><p class="section-label">{story.section}</p><h1>{escape(story.title)}</h1><p class="dek">{escape(story.dek)}</p>{byline_date(story)}</header>
{figure(story.caption, credit(rng))}
<section class="story-body">
{chr(10).join(blocks)}
</section>
{share_bar()}
{author_bio(story.author, site)}
</article>{most_read(story.related, rng)}</main></div>{footer(site)}""",
    )


def paywall(story: Story, rng: random.Random) -> tuple[str, int]:
    """A metered page: the first paragraphs, then a subscription box (the rest is not sent)."""
    site = site_name(rng)
    visible = rng.choice([3, 4])
    blocks = body_html(story)[:visible]
    box = f"""<div class="paywall" id="paywall-offer"><h2>Continue reading with a subscription</h2><p>You have read all of your free articles this month. Subscribe now for unlimited access to {escape(site)} for just $1 a week.</p><ul><li>Unlimited digital access</li><li>The daily e-paper</li><li>Cancel anytime</li></ul><a class="btn" href="/subscribe">Subscribe now</a><p>Already a subscriber? <a href="/login">Log in</a></p></div>"""
    html = page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""{nav(site, rng)}
<main><article class="article paywalled">
<h1 class="headline">{escape(story.title)}</h1>{byline_date(story)}
<div class="article__body" itemprop="articleBody">
{chr(10).join(blocks)}
</div>
{box}
</article></main>{footer(site)}""",
    )
    return html, visible


def cookie_wall(story: Story, rng: random.Random) -> str:
    """A European-style page: a large consent dialog in the body before the article."""
    site = site_name(rng)
    consent = """<div id="consent-dialog" class="consent-modal"><div class="consent-inner"><h2>We value your privacy</h2>
<p>We and our 842 partners store and access information on your device, such as cookies, and process personal data, such as unique identifiers and browsing data, for personalised advertising and content, advertising and content measurement, audience research and services development.</p>
<p>With your permission we and our partners may use precise geolocation data and identification through device scanning. You may click to consent to our and our partners' processing as described above.</p>
<p>Your preferences will apply to this website only. You can change your preferences at any time by returning to this site or visiting our privacy policy.</p>
<button>Agree</button><button>More options</button></div></div>"""
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""{consent}{nav(site, rng)}
<main><div class="article-container"><article>
<div class="article-header"><h1>{escape(story.title)}</h1><p class="standfirst">{escape(story.dek)}</p>{byline_date(story)}</div>
{figure(story.caption, credit(rng))}
<div class="article-content">
{chr(10).join(body_html(story))}
</div>
{newsletter_inline(site)}
{share_bar()}
</article></div></main>{footer(site)}""",
    )


def div_soup(story: Story, rng: random.Random) -> str:
    """A JavaScript-framework page: paragraphs in divs with hashed class names, no <p>."""
    site = site_name(rng)
    blocks = body_html(
        story,
        p='<div class="sc-1x7d3kf-0 Paragraph__Text-sc-abc12" data-component="paragraph">{}</div>',
        h2='<div class="sc-9f8e7-1 Subhead__H2" role="heading" aria-level="2">{}</div>',
    )
    blocks.insert(
        3,
        f'<div class="sc-promo-1" data-component="inline-promo"><a href="#"><span>Read more</span><span>{escape(story.related[0])}</span></a></div>',
    )
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""<div id="__next"><div class="sc-layout">{nav(site, rng)}
<div class="sc-article-wrap"><div data-component="headline"><h1 class="sc-h1">{escape(story.title)}</h1></div>
<div data-component="byline"><span>By {escape(story.author)}</span><span>{story.date}</span></div>
<div data-component="article-body" class="sc-body">
{chr(10).join(blocks)}
</div>
<div data-component="share"><button aria-label="Share on Facebook"></button><button aria-label="Share on X"></button></div>
</div>{related_rail(story.related, "Recommended")}{footer(site)}</div></div>
<script id="__NEXT_DATA__" type="application/json">{json.dumps({"props": {"pageProps": {"title": story.title}}})}</script>""",
    )


def bbc_like(story: Story, rng: random.Random) -> str:
    site = site_name(rng)
    blocks = [
        f'<div data-component="text-block"><div class="ssrcss-text">{b}</div></div>'
        for b in body_html(story)
    ]
    blocks.insert(
        1,
        f'<div data-component="image-block"><figure><img src="/i.jpg" alt=""><figcaption><span class="visually-hidden">Image caption, </span>{escape(story.caption)}</figcaption></figure></div>',
    )
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""{nav(site, rng)}
<main id="main-content"><article>
<header data-component="headline-block"><h1 id="main-heading">{escape(story.title)}</h1></header>
<div data-component="byline-block"><div><span>{story.date}</span></div><div><span>{escape(story.author)}</span><span>{story.section} correspondent</span></div></div>
{chr(10).join(blocks)}
<div data-component="tag-list"><h2>Related topics</h2><ul>{"".join(f"<li><a href='#'>{t}</a></li>" for t in [story.section, "Local government"])}</ul></div>
<section data-component="links-block"><h2>More on this story</h2><ul>{"".join(f"<li><a href='#'>{escape(h)}</a></li>" for h in story.related)}</ul></section>
</article></main>{footer(site)}""",
    )


def guardian_like(story: Story, rng: random.Random) -> str:
    site = site_name(rng)
    blocks = body_html(story)
    promo = '<aside data-gu-name="newsletter-signup"><figure><p>Sign up to First Edition</p><p>Our morning email breaks down the key stories of the day, telling you what is happening and why it matters.</p><p>Privacy Notice: Newsletters may contain info about charities, online ads, and content funded by outside parties.</p><p>after newsletter promotion</p></figure></aside>'
    blocks.insert(3, promo)
    epic = '<div class="contributions-epic"><h2>Before you move on…</h2><p>With the news under threat, our reporting has never been more important. We rely on readers like you to fund our journalism and keep it open to all. Support us from just $1.</p><a href="/contribute">Support us</a></div>'
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""{nav(site, rng)}
<main data-layout="StandardLayout"><article>
<div data-gu-name="headline"><h1>{escape(story.title)}</h1></div>
<div data-gu-name="standfirst"><p>{escape(story.dek)}</p></div>
<div data-gu-name="media">{figure(story.caption, "Photograph: Ruth Kim/The Guardian")}</div>
<address aria-label="Contributor info"><a rel="author" href="/profile">{escape(story.author)}</a></address><div class="dcr-date">{story.date}</div>
<div id="maincontent" class="article-body-commercial-selector article-body-viewer-selector">
{chr(10).join(blocks)}
</div>
{epic}
<div class="submeta"><span>Explore more on these topics</span><ul><li><a href="#">{story.section}</a></li><li><a href="#">US news</a></li></ul><a>Share</a><a>Reuse this content</a></div>
</article>
<section><h2>Most viewed</h2><ol>{"".join(f"<li>{escape(h)}</li>" for h in story.related)}</ol></section>
</main>{footer(site)}""",
    )


def medium_like(story: Story, rng: random.Random) -> str:
    site = site_name(rng)
    blocks = body_html(
        story,
        p='<p class="pw-post-body-paragraph graf">{}</p>',
        h2='<h2 class="pw-post-body-paragraph">{}</h2>',
    )
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""<div id="root"><div class="metabar"><a href="/">{escape(site)}</a><a href="/m/signin">Sign in</a><a href="/get-started">Get started</a></div>
<div class="paywall-banner"><p>Member-only story</p></div>
<article><section><div class="section-content">
<h1 class="pw-post-title">{escape(story.title)}</h1>
<div class="author-row"><a href="/@x">{escape(story.author)}</a><button>Follow</button><span>5 min read</span><span>·</span><span>{story.date}</span></div>
<div class="clap-row"><button>Listen</button><button>Share</button></div>
{chr(10).join(blocks)}
</div></section></article>
<div class="post-footer"><p>Written by {escape(story.author)}</p><p>1.2K Followers</p><button>Follow</button>
<h2>More from {escape(site)}</h2>{"".join(f'<div class="card"><h2>{escape(h)}</h2><p>{escape(story.author)}</p><p>4 min read</p></div>' for h in story.related)}
<h2>Recommended from Medium</h2><div class="card"><h2>{escape(story.related[-1])}</h2></div></div></div>""",
    )


def wire(story: Story, rng: random.Random) -> str:
    """A wire-service page: numbered paragraph divs, a 'Sign up here.' line, trust footer."""
    site = site_name(rng)
    blocks = [
        f'<div data-testid="paragraph-{i}" class="text__text body__base">{b[3:-4] if b.startswith("<p>") else b}</div>'
        for i, b in enumerate(body_html(story))
    ]
    blocks.insert(2, '<div class="sign-up-link"><a href="/newsletters">Sign up here.</a></div>')
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""{nav(site, rng)}
<main><article class="article-body">
<header><span class="kicker">{story.section}</span><h1 data-testid="Heading">{escape(story.title)}</h1>
<div class="info-content"><address>By <a href="/authors/x">{escape(story.author)}</a></address><time>{story.date}</time><span>2 min read</span></div></header>
{figure(story.caption, credit(rng))}
<div class="article-body__content">
{chr(10).join(blocks)}
</div>
<div class="trust-badge"><p>Our Standards: <a href="/principles">The Trust Principles.</a></p></div>
</article>
<aside>{related_rail(story.related, "Read Next")}</aside></main>{footer(site)}""",
    )


def blog_br(story: Story, rng: random.Random) -> str:
    """An old blog template: paragraphs separated by <br><br> in one div, a blogroll."""
    site = site_name(rng)
    parts: list[str] = []
    for kind, text in story.body:
        if kind == "h2":
            parts.append(f"<b>{escape(text)}</b>")
        elif kind == "li":
            parts.append(f"• {escape(text)}")
        else:
            parts.append(escape(text))
    post = "<br>\n<br>\n".join(parts)
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""<div id="outer-wrapper"><div id="header-wrapper"><h1 class="blog-title"><a href="/">{escape(site)}</a></h1><p class="description">Notes from the newsroom</p></div>
<div id="main-wrapper"><div class="date-header"><span>{story.date}</span></div>
<div class="post hentry"><h3 class="post-title entry-title">{escape(story.title)}</h3>
<div class="post-body entry-content">{post}</div>
<div class="post-footer"><span class="post-author vcard">Posted by <span class="fn">{escape(story.author)}</span></span> <span class="post-comment-link"><a href="#">4 comments</a></span> <span class="post-labels">Labels: <a href="#">{story.section}</a></span></div></div>
<div class="blog-pager"><a href="#">Newer Post</a> <a href="#">Older Post</a> <a href="/">Home</a></div></div>
<div id="sidebar-wrapper"><h2>Blog Archive</h2><ul><li>2024 (48)</li><li>2023 (112)</li></ul><h2>Blogroll</h2><ul><li><a href="#">City Desk Notes</a></li><li><a href="#">The Courthouse Beat</a></li></ul></div>
<div id="footer-wrapper"><p>Powered by Blogger.</p></div></div>""",
    )


def captions_gallery(story: Story, rng: random.Random) -> str:
    """A story with several photos, each with a long caption and a credit, between paragraphs."""
    site = site_name(rng)
    captions = [
        story.caption,
        f"Residents gathered outside city hall before the announcement. {credit(rng)}",
        f"A view from the east bank. {credit(rng)}",
    ]
    blocks = body_html(story)
    for offset, cap in zip((1, 4, 7), captions, strict=True):
        if offset < len(blocks):
            blocks.insert(
                offset,
                f'<figure class="inline-image"><img src="/g/{offset}.jpg" alt=""><figcaption><p>{escape(cap)}</p></figcaption></figure>',
            )
    return page(
        head(story.title, site, story.author, story.date, description=story.dek),
        f"""{nav(site, rng)}{cookie_banner(rng)}
<main><article>
<h1>{escape(story.title)}</h1>{byline_date(story)}
<div class="listen"><button>Listen to this article</button><span>4 min</span></div>
<div class="story-text">
{chr(10).join(blocks)}
</div>
<div class="corrections"><p>Have a news tip? <a href="/tips">Contact the newsroom.</a></p></div>
{newsletter_inline(site)}
</article>
{comments_block(rng)}
</main>{footer(site)}""",
    )


def liveblog_page(blog: LiveBlog, rng: random.Random) -> tuple[str, list[str]]:
    site = site_name(rng)
    entries = []
    gold: list[str] = []
    for i, entry in enumerate(blog.entries):
        paras = "".join(f"<p>{escape(p)}</p>" for p in entry.paragraphs)
        entries.append(
            f'<article class="live-entry" id="entry-{i}"><header><time class="live-entry__time">{entry.time}</time><span class="live-entry__author">{escape(blog.author)}</span></header><h3 class="live-entry__title">{escape(entry.headline)}</h3><div class="live-entry__body">{paras}</div><div class="live-entry__share"><a>Share</a><a>Copy link</a></div></article>'
        )
        gold += [entry.headline, *entry.paragraphs]
        if i == 1:
            entries.append('<div class="live-ad"><p>Advertisement</p></div>')
    key_points = "".join(f"<li>{escape(e.headline)}</li>" for e in blog.entries[:3])
    html = page(
        head(blog.title, site, blog.author, blog.date),
        f"""{nav(site, rng)}
<main><div class="liveblog">
<header><span class="live-badge">LIVE</span><h1>{escape(blog.title)}</h1><p>Updated {blog.entries[0].time}</p>{byline_date(Story(blog.slug, blog.title, blog.author, blog.date, "", [], ""))}</header>
<div class="key-events"><h2>Key events</h2><ul>{key_points}</ul></div>
<div class="live-feed">{"".join(entries)}</div>
<button class="load-more">Load more updates</button>
</div></main>{footer(site)}""",
    )
    return html, gold


LAYOUTS: Final[dict[str, Callable[[Story, random.Random], str]]] = {
    "wordpress": wordpress,
    "arc": arc,
    "drupal": drupal,
    "ghost": ghost,
    "substack": substack,
    "amp": amp,
    "related-inline": related_inline,
    "cookie-wall": cookie_wall,
    "div-soup": div_soup,
    "bbc-like": bbc_like,
    "guardian-like": guardian_like,
    "medium-like": medium_like,
    "wire": wire,
    "blog-br": blog_br,
    "captions": captions_gallery,
}


def gold_lines(story: Story, paragraphs: int | None = None) -> list[str]:
    """The story's gold body; `paragraphs`: only the first that many blocks (a paywall)."""
    blocks: list[list[str]] = []
    for kind, text in story.body:
        if kind == "li" and blocks and blocks[-1][0].startswith("\0li"):
            blocks[-1].append(text)
        else:
            blocks.append(["\0li" if kind == "li" else "", text])
    kept = blocks if paragraphs is None else blocks[:paragraphs]
    return [text for block in kept for text in block[1:]]


def build() -> None:
    PAGES.mkdir(exist_ok=True)
    for old in PAGES.glob("*"):
        old.unlink()
    rng = random.Random(12)
    names = list(LAYOUTS)
    number = 0

    def write(name: str, html: str, gold: list[str]) -> None:
        nonlocal number
        number += 1
        (PAGES / f"{number:02d}-{name}.html").write_text(html, encoding="utf-8")
        (PAGES / f"{number:02d}-{name}.gold.txt").write_text(
            "\n".join(gold) + "\n", encoding="utf-8"
        )

    for i, story in enumerate(STORIES):
        for layout in (names[i % len(names)], names[(i + 7) % len(names)]):
            write(f"{layout}-{story.slug}", LAYOUTS[layout](story, rng), gold_lines(story))
    for story in STORIES[:2]:
        html, visible = paywall(story, rng)
        write(f"paywall-{story.slug}", html, gold_lines(story, visible))
    for blog in LIVEBLOGS:
        html, gold = liveblog_page(blog, rng)
        write(f"liveblog-{blog.slug}", html, gold)


if __name__ == "__main__":
    build()
