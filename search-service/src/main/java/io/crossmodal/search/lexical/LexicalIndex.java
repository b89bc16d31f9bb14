package io.crossmodal.search.lexical;

import io.crossmodal.common.event.Modality;
import io.crossmodal.common.event.TagFilter;
import io.crossmodal.common.event.Target;
import io.crossmodal.search.store.Match;
import io.crossmodal.search.store.SearchFilter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * One shard's lexical index: a Lucene index in memory over each item's words ({@link ItemText}),
 * with its modality, source and tags for the same filters as the vector scan, kept beside the
 * shard's vectors and rebuilt with them from the shard's store. BM25 scores with the whole index's
 * statistics ({@link CorpusStats}), not the shard's, so scores from different shards compare.
 *
 * <p>The shard's own statistics are counted here from the analysed terms rather than read from
 * Lucene, whose counts include deleted documents until segments merge: they are what the shard
 * publishes ({@link #drainChanges}), and they are exact at every moment. Not thread safe: the
 * shard's lock guards it ({@code LiveShard}).
 */
public final class LexicalIndex implements Closeable {
  /**
   * Lucene on Java 17 cannot use the incubating Vector API that the launcher adds for the search
   * kernel, and says so at WARNING on every start: nothing a user can change (the scan kernel is
   * ours, Lucene's scoring does not need it), so only its errors are shown. Held here because
   * java.util.logging keeps loggers weakly, and set before any Lucene index class loads.
   */
  private static final Logger LUCENE_VECTORIZATION =
      Logger.getLogger("org.apache.lucene.internal.vectorization");

  static {
    LUCENE_VECTORIZATION.setLevel(Level.SEVERE);
  }

  static final String TEXT = "text";
  private static final String ID = "id";
  private static final String ID_SORT = "id_sort";
  private static final String MODALITY = "modality";
  private static final String SOURCE = "source";
  private static final String TAG = "tag";
  private static final Sort BEST_FIRST =
      new Sort(SortField.FIELD_SCORE, new SortField(ID_SORT, SortField.Type.STRING));

  /**
   * This shard's statistics: term → items containing it, and the collection counts. From {@link
   * #drainChanges} only what changed (a count of 0: the term is gone; a null collection:
   * unchanged).
   */
  public record Counts(Map<String, Long> terms, CorpusStats.Collection collection) {
    public boolean isEmpty() {
      return terms.isEmpty() && collection == null;
    }
  }

  /** An item's distinct terms, its length (terms counted with repeats) and its modality. */
  private record DocTerms(String[] terms, int length, Modality modality) {}

  private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final Map<String, DocTerms> docs = new HashMap<>();
  private final Map<String, Long> docFreq = new HashMap<>();
  private final Set<String> dirtyTerms = new LinkedHashSet<>();
  private boolean collectionDirty;
  private long sumDocFreq;
  private long sumLength;
  private volatile boolean stale;
  private boolean closed;

  public LexicalIndex() {
    try {
      IndexWriterConfig config =
          new IndexWriterConfig(Analysis.ANALYZER)
              .setSimilarity(new BM25Similarity())
              .setMergeScheduler(
                  new SerialMergeScheduler()) // merges on the writing thread: no thread per shard
              .setCommitOnClose(false);
      writer = new IndexWriter(directory, config);
      searchers = new SearcherManager(writer, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Indexes (or replaces) {@code id}; an item without words is only removed. */
  public void upsert(String id, Modality modality, String source, List<String> tags, String text) {
    Analysis.TermCounts counts = Analysis.count(text);
    if (counts.length() == 0) {
      delete(id); // its earlier version may have had words
      return;
    }
    remove(id);
    Document doc = new Document();
    doc.add(
        new StringField(
            ID, id, Field.Store.NO)); // for updates and deletes; results read the id from ID_SORT
    doc.add(new SortedDocValuesField(ID_SORT, new BytesRef(id)));
    doc.add(new StringField(MODALITY, modality.wireName(), Field.Store.NO));
    doc.add(new StringField(SOURCE, source == null ? "" : source, Field.Store.NO));
    for (String tag : tags) {
      doc.add(new StringField(TAG, tag, Field.Store.NO));
    }
    doc.add(new TextField(TEXT, text, Field.Store.NO));
    try {
      writer.updateDocument(new Term(ID, id), doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String[] terms = new String[counts.counts().size()];
    int i = 0;
    for (String t : counts.counts().keySet()) {
      docFreq.merge(t, 1L, Long::sum);
      dirtyTerms.add(t);
      terms[i++] = t;
    }
    docs.put(id, new DocTerms(terms, counts.length(), modality));
    sumDocFreq += terms.length;
    sumLength += counts.length();
    collectionDirty = true;
    stale = true;
  }

  public void delete(String id) {
    if (remove(id)) {
      try {
        writer.deleteDocuments(new Term(ID, id));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Forgets {@code id}'s counts; true when it was indexed. The caller replaces or deletes its
   * document.
   */
  private boolean remove(String id) {
    DocTerms old = docs.remove(id);
    if (old == null) {
      return false;
    }
    for (String t : old.terms()) {
      docFreq.computeIfPresent(t, (k, n) -> n == 1 ? null : n - 1);
      dirtyTerms.add(t);
    }
    sumDocFreq -= old.terms().length;
    sumLength -= old.length();
    collectionDirty = true;
    stale = true;
    return true;
  }

  /**
   * The best {@code n} items for {@code terms} (BM25 over the item words with the whole index's
   * statistics) that pass {@code filter}, best first, ties by id; an item matches when it has at
   * least one of the terms.
   */
  public List<Match> search(List<String> terms, int n, SearchFilter filter, CorpusStats corpus) {
    if (terms.isEmpty() || docs.isEmpty() || closed) {
      return List.of(); // closed: the shard moved away while a search still held it
    }
    BooleanQuery.Builder words = new BooleanQuery.Builder();
    terms.forEach(t -> words.add(new TermQuery(new Term(TEXT, t)), Occur.SHOULD));
    BooleanQuery.Builder q = new BooleanQuery.Builder().add(words.build(), Occur.MUST);
    if (filter.target() != Target.ANY) {
      q.add(new TermQuery(new Term(MODALITY, filter.target().wireName())), Occur.FILTER);
    }
    if (filter.source() != null) {
      q.add(new TermQuery(new Term(SOURCE, filter.source())), Occur.FILTER);
    }
    TagFilter tags = filter.tags();
    if (tags != null) {
      tags.all().forEach(t -> q.add(new TermQuery(new Term(TAG, t)), Occur.FILTER));
      if (!tags.any().isEmpty()) {
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        tags.any().forEach(t -> any.add(new TermQuery(new Term(TAG, t)), Occur.SHOULD));
        q.add(any.build(), Occur.FILTER);
      }
    }
    try {
      if (stale) {
        searchers.maybeRefreshBlocking();
        stale = false;
      }
      IndexSearcher acquired = searchers.acquire();
      try {
        IndexSearcher searcher = new GlobalStatsSearcher(acquired.getIndexReader(), corpus);
        TopFieldDocs top = searcher.search(q.build(), n, BEST_FIRST, true);
        List<Match> out = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc d : top.scoreDocs) {
          String id = ((BytesRef) ((FieldDoc) d).fields[1]).utf8ToString();
          out.add(new Match(id, d.score, docs.get(id).modality()));
        }
        return out;
      } finally {
        searchers.release(acquired);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Scores with the corpus statistics; falls back to the reader's own (this shard's) only before
   * any statistics have arrived, e.g. in the first moments after a first start.
   */
  private static final class GlobalStatsSearcher extends IndexSearcher {
    private final CorpusStats corpus;

    GlobalStatsSearcher(IndexReader reader, CorpusStats corpus) {
      super(reader);
      this.corpus = corpus;
      setSimilarity(new BM25Similarity());
      setQueryCache(null);
    }

    @Override
    public CollectionStatistics collectionStatistics(String field) throws IOException {
      CorpusStats.Collection c = corpus.collection();
      if (!field.equals(TEXT) || c.docs() == 0) {
        return super.collectionStatistics(field);
      }
      return new CollectionStatistics(
          field, c.docs(), c.docs(), Math.max(c.sumLength(), c.sumDocFreq()), c.sumDocFreq());
    }

    @Override
    public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq)
        throws IOException {
      if (!term.field().equals(TEXT) || corpus.collection().docs() == 0) {
        return super.termStatistics(term, docFreq, totalTermFreq);
      }
      long df = Math.max(1, corpus.docFreq(term.text()));
      return new TermStatistics(term.bytes(), df, df);
    }
  }

  /**
   * Makes every write so far searchable now (after a rebuild: so the first query does not pay for
   * it).
   */
  public void refresh() {
    try {
      searchers.maybeRefreshBlocking();
      stale = false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The statistics changed since the last call (for the shard to publish), then forgets them. */
  public Counts drainChanges() {
    Map<String, Long> terms = new HashMap<>();
    for (String t : dirtyTerms) {
      terms.put(t, docFreq.getOrDefault(t, 0L));
    }
    dirtyTerms.clear();
    CorpusStats.Collection c = collectionDirty ? collection() : null;
    collectionDirty = false;
    return new Counts(terms, c);
  }

  /** All of this shard's counts, for a full publication. */
  public Counts counts() {
    return new Counts(termCounts(), collection());
  }

  /** Every term of this shard with the number of its items that contain it. */
  public Map<String, Long> termCounts() {
    return Map.copyOf(docFreq);
  }

  public CorpusStats.Collection collection() {
    return new CorpusStats.Collection(docs.size(), sumDocFreq, sumLength);
  }

  /** Items with words. */
  public int size() {
    return docs.size();
  }

  /** Bytes of the Lucene index (segments in memory). */
  public long bytes() {
    try {
      long total = 0;
      for (String f : directory.listAll()) {
        total += directory.fileLength(f);
      }
      return total + writer.ramBytesUsed();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      searchers.close();
      writer.rollback(); // nothing to keep: the index is rebuilt from the shard's store
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
