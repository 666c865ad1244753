/* kmalloc: power-of-two size classes (32 B .. 2 KB) as caches of one-page
 * slabs on the buddy allocator, SLUB style: a slab's struct page carries
 * the cache, the free-object list (a link in each free object) and the use
 * count; slabs with free objects sit on the cache's partial list, full
 * slabs on no list, and an emptied slab goes straight back to the buddy
 * allocator (so "all freed" really means no pages held).  Larger requests
 * are whole compound-style blocks from the buddy allocator (PG_head with
 * the order in private). */
#include "fw.h"
#include "gmm.h"

#define KMALLOC_SHIFT_LOW 5
#define KMALLOC_SHIFT_HIGH 11
static struct kmem_cache kmalloc_caches[KMALLOC_SHIFT_HIGH - KMALLOC_SHIFT_LOW + 1];
static const char *const kmalloc_names[] = {
	"kmalloc-32", "kmalloc-64", "kmalloc-128", "kmalloc-256",
	"kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};
static unsigned long large_pages;

void __init kmem_cache_init(void)
{
	for (unsigned int i = 0; i <= KMALLOC_SHIFT_HIGH - KMALLOC_SHIFT_LOW; i++) {
		struct kmem_cache *s = &kmalloc_caches[i];
		s->name = kmalloc_names[i];
		s->size = 1u << (i + KMALLOC_SHIFT_LOW);
		s->objects = PAGE_SIZE / s->size;
		INIT_LIST_HEAD(&s->partial);
	}
}

/* The cache whose objects fit size; 0 above KMALLOC_MAX_CACHE_SIZE. */
struct kmem_cache *kmalloc_slab(size_t size)
{
	unsigned int shift = KMALLOC_SHIFT_LOW;
	while ((1u << shift) < size)
		shift++;
	return shift > KMALLOC_SHIFT_HIGH ? 0 : &kmalloc_caches[shift - KMALLOC_SHIFT_LOW];
}

/* new_slab: one unmovable page, its objects chained into the freelist. */
static struct page *new_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *page = alloc_pages(gfp & ~(__GFP_ZERO | __GFP_MOVABLE), 0);
	if (!page)
		return 0;
	char *base = page_address(page);
	for (unsigned int i = 0; i < s->objects; i++)
		*(void **)(base + i * s->size) = i + 1 < s->objects ? base + (i + 1) * s->size : 0;
	page->flags |= 1ul << PG_slab;
	page->slab_cache = s;
	page->freelist = base;
	page->inuse = 0;
	list_add(&page->lru, &s->partial);
	s->nr_slabs++;
	return page;
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	struct page *page;
	if (list_empty(&s->partial)) {
		if (!new_slab(s, gfp))
			return 0;
	}
	page = list_entry(s->partial.next, struct page, lru);
	void *obj = page->freelist;
	page->freelist = *(void **)obj;
	if (++page->inuse == s->objects)
		list_del(&page->lru);
	s->active_objs++;
	if (gfp & __GFP_ZERO)
		memset(obj, 0, s->size);
	return obj;
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	struct page *page = virt_to_page(obj);
	if (page->inuse == s->objects)
		list_add(&page->lru, &s->partial);
	*(void **)obj = page->freelist;
	page->freelist = obj;
	s->active_objs--;
	if (--page->inuse)
		return;
	list_del(&page->lru);
	page->flags &= ~(1ul << PG_slab);
	page->slab_cache = 0;
	page->freelist = 0;
	s->nr_slabs--;
	__free_pages(page, 0);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	if (!size)
		return 0;
	struct kmem_cache *s = kmalloc_slab(size);
	if (s)
		return kmem_cache_alloc(s, gfp);
	unsigned int order = get_order(size);
	struct page *page = alloc_pages(gfp & ~__GFP_MOVABLE, order);
	if (!page)
		return 0;
	page->flags |= 1ul << PG_head;
	page->private = order;
	large_pages += 1ul << order;
	return page_address(page);
}

void kfree(const void *obj)
{
	if (!obj)
		return;
	struct page *page = virt_to_page(obj);
	if (PageSlab(page)) {
		kmem_cache_free(page->slab_cache, (void *)obj);
	} else if (PageHead(page)) {
		unsigned int order = page->private;
		page->flags &= ~(1ul << PG_head);
		page->private = 0;
		large_pages -= 1ul << order;
		__free_pages(page, order);
	} else {
		printk("kfree: %p is not a kmalloc object\n", obj);
	}
}

/* Pages held by kmalloc (the "Slab:" line of meminfo). */
unsigned long slab_pages(void)
{
	unsigned long n = large_pages;
	for (unsigned int i = 0; i <= KMALLOC_SHIFT_HIGH - KMALLOC_SHIFT_LOW; i++)
		n += kmalloc_caches[i].nr_slabs;
	return n;
}
