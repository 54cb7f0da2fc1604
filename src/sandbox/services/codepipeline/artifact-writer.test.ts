// The artifact writer's key layout (what the audit's classifier reads) and its
// input check: a key whose latest version is a delete marker is not there.
import { describe, expect, it } from 'vitest';
import { ARTIFACT_KEY } from '../../../shared/artifacts/classify';
import { Rng } from '../../random';
import { S3Store } from '../s3/store';
import { artifactKey, missingInput } from './artifact-writer';

describe('artifactKey', () => {
  it('cuts the pipeline to 20 characters and the artifact to 10, and zips source output only', () => {
    expect(artifactKey('a-very-long-pipeline-name-indeed', 'SourceArtifact', 'AbC1234', true)).toBe('a-very-long-pipeline/SourceArti/AbC1234.zip');
    expect(artifactKey('web', 'BuildOut', 'xyz0001', false)).toBe('web/BuildOut/xyz0001');
    expect(ARTIFACT_KEY.test(artifactKey('a-very-long-pipeline-name-indeed', 'SourceArtifact', 'AbC1234', true))).toBe(true);
  });
});

describe('missingInput', () => {
  it('names the first input with no live object, and null when all are there', () => {
    const s3 = new S3Store(new Rng(1));
    const b = s3.createBucket('artifacts', '111111111111', 'us-east-1');
    s3.putObject(b, 'web/Src/aaaaaaa.zip', Buffer.from('x'));
    s3.putObject(b, 'web/Built/bbbbbbb', Buffer.from('y'));
    const there = { name: 'Src', s3location: { bucket: 'artifacts', key: 'web/Src/aaaaaaa.zip' } };
    const built = { name: 'Built', s3location: { bucket: 'artifacts', key: 'web/Built/bbbbbbb' } };
    expect(missingInput(s3, [there, built])).toBeNull();
    expect(missingInput(s3, [there, { name: 'Nowhere', s3location: undefined }])).toBe('Nowhere');
    s3.deleteObject(b, 'web/Built/bbbbbbb');
    expect(missingInput(s3, [there, built])).toBe('Built');
  });
});
