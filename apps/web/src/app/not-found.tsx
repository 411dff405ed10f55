import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="page-center">
      <div className="panel panel-empty">
        <h2>Page not found</h2>
        <Link href="/" className="btn">
          Go to DAGs
        </Link>
      </div>
    </main>
  );
}
