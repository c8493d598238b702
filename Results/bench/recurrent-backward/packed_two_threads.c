#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <pthread.h>
#include "zoo_kernels.h"
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static int m,k,n,reps; static float *a,*b,*c;
static void* run(void*arg){long id=(long)arg;for(int r=0;r<reps;r++)zoo_packed_multiply(a+id*(m/2)*k,m/2,k,n,b,c+id*(m/2)*n,0);return 0;}
int main(int argc,char**argv){
  m=atoi(argv[1]);k=atoi(argv[2]);n=atoi(argv[3]);reps=atoi(argv[4]);
  a=aligned_alloc(64,sizeof(float)*m*k);b=aligned_alloc(64,sizeof(float)*((n+15)/16*16)*k);c=aligned_alloc(64,sizeof(float)*m*n);
  for(long i=0;i<(long)m*k;i++)a[i]=rand()/(float)RAND_MAX;
  for(long i=0;i<(long)((n+15)/16*16)*k;i++)b[i]=rand()/(float)RAND_MAX;
  double best=1e9;
  for(int t=0;t<5;t++){double s=now();pthread_t th[2];for(long i=0;i<2;i++)pthread_create(&th[i],0,run,(void*)i);for(int i=0;i<2;i++)pthread_join(th[i],0);double e=(now()-s)/reps;if(e<best)best=e;}
  printf("2 threads packed %dx%dx%d: %.1f us, %.1f GFLOP/s\n",m,k,n,best*1e6,2.0*m*k*n/best*1e-9);
}
