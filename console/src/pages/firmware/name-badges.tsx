import { Fragment } from 'react';

/** Tags or groups as badges, with spaces between them so they are read as separate words. */
export function NameBadges({ names }: { names: string[] }) {
  return names.map((name, index) => (
    <Fragment key={name}>
      {index > 0 && ' '}
      <span className="badge tag">{name}</span>
    </Fragment>
  ));
}
