import { classificationBadgeClass } from '../../app/vectors-media';

export function ClassificationBadge({ classification }: { classification: string }) {
  return <span className={classificationBadgeClass(classification)}>{classification}</span>;
}
